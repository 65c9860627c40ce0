package io.octoagent.gateway.task;

/** A validated submission, defaults applied. */
public record NewTask(
        String text,
        String idempotencyKey,
        String channel,
        String threadId,
        String senderId,
        String senderName,
        String modelAlias) {

    public static final int TITLE_CHARS = 100;

    public String title() {
        int codePoints = text.codePointCount(0, text.length());
        return text.substring(0, text.offsetByCodePoints(0, Math.min(codePoints, TITLE_CHARS)));
    }

    public String scopeId() {
        return "chat:" + channel + ":" + threadId;
    }
}
