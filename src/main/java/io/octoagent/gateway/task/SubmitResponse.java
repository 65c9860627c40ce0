package io.octoagent.gateway.task;

import io.quarkus.runtime.annotations.RegisterForReflection;

@RegisterForReflection
public record SubmitResponse(String taskId, TaskStatus status, boolean created) {
}
