package io.octoagent.gateway.metrics;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps a tag's distinct values bounded: the first {@code limit} values seen are used as they
 * are, anything later becomes {@code other}. Model names come from the proxy, so without this a
 * misbehaving proxy could create unbounded time series.
 */
public final class BoundedTagValues {

    public static final String OTHER = "other";

    private final int limit;
    private final Set<String> seen = ConcurrentHashMap.newKeySet();

    public BoundedTagValues(int limit) {
        this.limit = limit;
    }

    public String of(String value) {
        String tag = value == null || value.isBlank() ? "unknown" : value;
        if (seen.contains(tag)) {
            return tag;
        }
        synchronized (seen) {
            if (seen.size() < limit) {
                seen.add(tag);
                return tag;
            }
        }
        return seen.contains(tag) ? tag : OTHER;
    }
}
