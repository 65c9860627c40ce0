package io.octoagent.gateway.event;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** The message itself stays out of events: only a short preview and its length. */
@RegisterForReflection
public record UserMessagePayload(String textPreview, int textLength, int attachmentCount) {

    public static final int PREVIEW_CHARS = 200;

    public static UserMessagePayload of(String text) {
        int end = text.offsetByCodePoints(0, Math.min(text.codePointCount(0, text.length()), PREVIEW_CHARS));
        return new UserMessagePayload(text.substring(0, end), text.length(), 0);
    }
}
