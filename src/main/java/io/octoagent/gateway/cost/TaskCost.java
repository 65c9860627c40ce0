package io.octoagent.gateway.cost;

import io.quarkus.runtime.annotations.RegisterForReflection;

@RegisterForReflection
public record TaskCost(String taskId, Spend spend) {
}
