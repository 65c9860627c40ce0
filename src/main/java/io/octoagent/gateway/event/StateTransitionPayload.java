package io.octoagent.gateway.event;

import io.quarkus.runtime.annotations.RegisterForReflection;

@RegisterForReflection
public record StateTransitionPayload(String fromStatus, String toStatus, String reason) {
}
