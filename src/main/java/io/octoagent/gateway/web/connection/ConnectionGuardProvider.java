package io.octoagent.gateway.web.connection;

import io.quarkus.logging.Log;
import io.vertx.core.impl.VertxBuilder;
import io.vertx.core.impl.transports.JDKTransport;
import io.vertx.core.spi.VertxServiceProvider;

/**
 * Puts {@link GuardedJdkTransport} under Vert.x. Quarkus reads
 * {@code META-INF/services/io.vertx.core.spi.VertxServiceProvider} at build time and hands the
 * providers it lists to the Vert.x it builds at startup (no service loading, nor reflection, at
 * run time). The transport is the one place Vert.x lets code see a server's Netty bootstrap, and
 * so every accepted connection before the HTTP decoder holds it: neither Vert.x nor Quarkus has
 * a deadline for a request head or a limit on idle connections.
 */
public class ConnectionGuardProvider implements VertxServiceProvider {

    @Override
    public void init(VertxBuilder builder) {
        if (builder.findTransport() instanceof JDKTransport) {
            builder.findTransport(new GuardedJdkTransport());
        } else {
            Log.warnf("Vert.x runs on %s: HTTP connections are not guarded (no header deadline, no idle limit)",
                    builder.findTransport().getClass().getSimpleName());
        }
    }
}
