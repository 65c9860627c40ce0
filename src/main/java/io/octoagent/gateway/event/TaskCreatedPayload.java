package io.octoagent.gateway.event;

import io.quarkus.runtime.annotations.RegisterForReflection;

@RegisterForReflection
public record TaskCreatedPayload(String title, String threadId, String scopeId, String channel, String senderId) {
}
