package io.octoagent.gateway.task;

import java.nio.charset.StandardCharsets;

/** The model's answer cut to a bounded size for events; the full text lives in the artifact. */
public record ResponseSummary(String text, boolean truncated) {

    public static final int MAX_BYTES = 8192;
    public static final String MARKER = "…[truncated]";

    public static ResponseSummary of(String content) {
        if (content.length() * 3L <= MAX_BYTES || content.getBytes(StandardCharsets.UTF_8).length <= MAX_BYTES) {
            return new ResponseSummary(content, false);
        }
        int bytes = 0;
        int end = 0;
        while (end < content.length()) {
            int codePoint = content.codePointAt(end);
            int size = utf8Length(codePoint);
            if (bytes + size > MAX_BYTES) {
                break;
            }
            bytes += size;
            end += Character.charCount(codePoint);
        }
        return new ResponseSummary(content.substring(0, end) + MARKER, true);
    }

    private static int utf8Length(int codePoint) {
        if (codePoint < 0x80) {
            return 1;
        }
        if (codePoint < 0x800) {
            return 2;
        }
        return codePoint < 0x10000 ? 3 : 4;
    }
}
