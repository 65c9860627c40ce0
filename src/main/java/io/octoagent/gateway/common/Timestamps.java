package io.octoagent.gateway.common;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** ISO-8601 UTC timestamps, always with milliseconds and a {@code Z} suffix, so they sort as text. */
public final class Timestamps {

    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private Timestamps() {
    }

    public static String now() {
        return format(Instant.now());
    }

    public static String format(Instant instant) {
        return FORMAT.format(instant);
    }
}
