package io.octoagent.gateway.event;

import io.quarkus.runtime.annotations.RegisterForReflection;

@RegisterForReflection
public record Causality(String parentEventId, String idempotencyKey) {
}
