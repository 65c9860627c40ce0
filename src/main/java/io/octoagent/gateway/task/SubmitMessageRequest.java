package io.octoagent.gateway.task;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Body of {@code POST /api/message}; validated by {@link SubmitMessageValidator}. */
@RegisterForReflection
public record SubmitMessageRequest(
        String text,
        String idempotencyKey,
        String channel,
        String threadId,
        String senderId,
        String senderName,
        String modelAlias) {
}
