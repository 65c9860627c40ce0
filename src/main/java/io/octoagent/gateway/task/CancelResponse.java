package io.octoagent.gateway.task;

import io.quarkus.runtime.annotations.RegisterForReflection;

@RegisterForReflection
public record CancelResponse(String taskId, TaskStatus status) {
}
