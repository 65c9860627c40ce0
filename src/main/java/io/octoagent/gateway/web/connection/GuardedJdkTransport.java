package io.octoagent.gateway.web.connection;

import io.netty.bootstrap.ServerBootstrap;
import io.octoagent.gateway.config.ConnectionLimits;
import io.octoagent.gateway.config.GatewayConfig;
import io.smallrye.config.SmallRyeConfig;
import io.vertx.core.impl.transports.JDKTransport;
import io.vertx.core.net.NetServerOptions;
import java.util.NoSuchElementException;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Vert.x's own NIO transport (so Vert.x still knows it is not a native one), except that the
 * connections of each server it binds are watched by a {@link ConnectionGuard}.
 */
final class GuardedJdkTransport extends JDKTransport {

    @Override
    public void configure(NetServerOptions options, boolean domainSocket, ServerBootstrap bootstrap) {
        super.configure(options, domainSocket, bootstrap);
        // Vert.x hands over its HTTP servers' options as plain NetServerOptions: the guard tells an
        // HTTP connection by its pipeline instead.
        if (!domainSocket) {
            GatewayConfig config = gatewayConfig();
            if (config != null) {
                ConnectionGuard guard = new ConnectionGuard(ConnectionLimits.from(config.http()));
                if (bootstrap.config().handler() == null) {
                    bootstrap.handler(guard.acceptor());
                }
                bootstrap.childHandler(guard.around(bootstrap.config().childHandler()));
            }
        }
    }

    /** The gateway's settings; null when this Vert.x belongs to something else (a test's own server). */
    private static GatewayConfig gatewayConfig() {
        try {
            return ConfigProvider.getConfig().unwrap(SmallRyeConfig.class).getConfigMapping(GatewayConfig.class);
        } catch (NoSuchElementException | IllegalStateException | IllegalArgumentException notOurs) {
            return null;
        }
    }
}
