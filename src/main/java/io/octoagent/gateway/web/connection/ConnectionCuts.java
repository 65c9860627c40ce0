package io.octoagent.gateway.web.connection;

import java.util.concurrent.atomic.LongAdder;

/** Connections the guard closed, by reason, for {@code octoagent_http_connections_cut_total}. */
public enum ConnectionCuts {
    /** A request head did not arrive whole in time. */
    HEADER_TIMEOUT("header_timeout"),
    /** The oldest idle connection, closed to stay within the limit of idle connections. */
    IDLE_LIMIT("idle_limit");

    private final String label;
    private final LongAdder count = new LongAdder();

    ConnectionCuts(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public long count() {
        return count.sum();
    }

    void increment() {
        count.increment();
    }
}
