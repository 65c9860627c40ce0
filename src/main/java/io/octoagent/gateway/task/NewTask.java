package io.octoagent.gateway.task;

/** A validated submission, defaults applied, with the trace it continues. */
public record NewTask(
        String text,
        String idempotencyKey,
        String channel,
        String threadId,
        String senderId,
        String senderName,
        String modelAlias,
        String traceParent) {

    public static final int TITLE_CHARS = 100;

    /** The same task, continuing the trace {@code traceParent} names (a W3C header value, or null). */
    public NewTask tracedBy(String traceParent) {
        return new NewTask(text, idempotencyKey, channel, threadId, senderId, senderName, modelAlias, traceParent);
    }

    public String title() {
        int codePoints = text.codePointCount(0, text.length());
        return text.substring(0, text.offsetByCodePoints(0, Math.min(codePoints, TITLE_CHARS)));
    }

    public String scopeId() {
        return "chat:" + channel + ":" + threadId;
    }
}
