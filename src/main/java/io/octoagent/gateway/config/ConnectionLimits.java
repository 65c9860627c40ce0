package io.octoagent.gateway.config;

import java.time.Duration;

/**
 * What the HTTP server allows a connection that has no request in progress: how long a request
 * head may take to arrive, and how many such connections stay open at once.
 */
public record ConnectionLimits(Duration headerTimeout, int maxIdleConnections) {

    /** The checked {@code octoagent.http} settings; a bad value names its environment variable. */
    public static ConnectionLimits from(GatewayConfig.Http http) {
        return new ConnectionLimits(
                ServiceSettings.duration("OCTOAGENT_HTTP_HEADER_TIMEOUT", http.headerTimeout(), Duration.ofMillis(100)),
                (int) ServiceSettings.whole("OCTOAGENT_HTTP_MAX_IDLE_CONNECTIONS", http.maxIdleConnections(), 1,
                        1_000_000));
    }
}
