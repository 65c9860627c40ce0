package io.octoagent.gateway.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ResponseSummaryTest {

    @Test
    void shortTextIsKeptWhole() {
        ResponseSummary summary = ResponseSummary.of("short answer");
        assertEquals("short answer", summary.text());
        assertFalse(summary.truncated());
    }

    @Test
    void exactlyTheLimitIsNotTruncated() {
        String text = "a".repeat(ResponseSummary.MAX_BYTES);
        assertFalse(ResponseSummary.of(text).truncated());
        assertTrue(ResponseSummary.of(text + "b").truncated());
    }

    @Test
    void cutsOnACharacterBoundary() {
        // 3-byte characters: 8192 is not a multiple of 3, so a byte cut would split one.
        String text = "中".repeat(5000);
        ResponseSummary summary = ResponseSummary.of(text);
        assertTrue(summary.truncated());
        String kept = summary.text().substring(0, summary.text().length() - ResponseSummary.MARKER.length());
        assertEquals(8190, kept.getBytes(StandardCharsets.UTF_8).length);
        assertEquals("中".repeat(2730), kept);
    }

    @Test
    void neverSplitsASurrogatePair() {
        String text = "a" + "😀".repeat(3000); // 4-byte characters after a 1-byte one
        String kept = ResponseSummary.of(text).text().replace(ResponseSummary.MARKER, "");
        assertEquals(8189, kept.getBytes(StandardCharsets.UTF_8).length);
        assertFalse(Character.isHighSurrogate(kept.charAt(kept.length() - 1)));
    }
}
