package io.octoagent.gateway.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.octoagent.gateway.web.connection.ConnectionCuts;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;

/** HTTP connections the service closed itself: a slow request head, or too many idle connections. */
@Startup
@ApplicationScoped
public class ConnectionMetrics {

    public ConnectionMetrics(MeterRegistry registry) {
        for (ConnectionCuts cut : ConnectionCuts.values()) {
            FunctionCounter.builder("octoagent.http.connections.cut", cut, ConnectionCuts::count)
                    .description("HTTP connections closed by the service while they had no request in progress")
                    .tag("reason", cut.label())
                    .register(registry);
        }
    }
}
