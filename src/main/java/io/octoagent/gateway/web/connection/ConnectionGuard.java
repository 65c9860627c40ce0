package io.octoagent.gateway.web.connection;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.util.AttributeKey;
import io.octoagent.gateway.config.ConnectionLimits;
import io.quarkus.logging.Log;
import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Watches one HTTP server's connections while they have no request in progress: a request head
 * must arrive whole within the header timeout of its first byte, and at most so many such
 * connections stay open (past that, the one that has waited longest is closed), so clients that
 * trickle or withhold their headers can neither hold a connection for ever nor use up the file
 * descriptors that health checks need.
 */
final class ConnectionGuard {

    /** Names Vert.x gives the handlers of its HTTP/1.x pipeline (HttpServerWorker). */
    private static final String VERTX_DECODER = "httpDecoder";
    private static final String VERTX_HANDLER = "handler";
    /** Accepted connections waiting for an event loop before accepting pauses. */
    private static final int MAX_SETTING_UP = 64;
    private static final AttributeKey<GuardedConnection> CONNECTION = AttributeKey.valueOf("octoagent.connection");

    private final long headerTimeoutNanos;
    private final int maxIdle;
    private final AtomicLong arrivals = new AtomicLong();
    /** Connections with no request in progress, by when they started waiting: the first is the oldest. */
    private final ConcurrentSkipListMap<Long, GuardedConnection> idle = new ConcurrentSkipListMap<>();
    private final AtomicInteger idleCount = new AtomicInteger();
    /** Accepted, but not yet set up by an event loop. */
    private final AtomicInteger settingUp = new AtomicInteger();
    private volatile Channel server;

    ConnectionGuard(ConnectionLimits limits) {
        this.headerTimeoutNanos = limits.headerTimeout().toNanos();
        this.maxIdle = withinDescriptorLimit(limits.maxIdleConnections());
        Log.debugf("HTTP connections: request head within %s, at most %d idle", limits.headerTimeout(), maxIdle);
    }

    /**
     * On the server channel: counts each connection the moment it is accepted, before an event
     * loop takes it, so that a flood of new connections is held to the limit as it arrives.
     */
    ChannelHandler acceptor() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object accepted) {
                if (accepted instanceof Channel channel) {
                    server = ctx.channel();
                    // The event loops set connections up (and close evicted ones) in turn: while
                    // they are behind, stop accepting rather than pile up sockets no one watches.
                    if (settingUp.incrementAndGet() >= MAX_SETTING_UP) {
                        server.config().setAutoRead(false);
                        if (settingUp.get() < MAX_SETTING_UP) {
                            server.config().setAutoRead(true); // they caught up meanwhile
                        }
                    }
                    GuardedConnection connection = new GuardedConnection(ConnectionGuard.this, channel);
                    channel.attr(CONNECTION).set(connection);
                    channel.closeFuture().addListener(closed -> connection.settled());
                    connection.startWaiting();
                }
                ctx.fireChannelRead(accepted);
            }
        };
    }

    /** Wraps Vert.x's initializer of accepted connections, to watch each once Vert.x has set it up. */
    ChannelHandler around(ChannelHandler vertxInitializer) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel channel) {
                ChannelPipeline pipeline = channel.pipeline();
                pipeline.addLast(vertxInitializer); // builds the HTTP/1.x pipeline right away (plain HTTP)
                GuardedConnection connection = channel.attr(CONNECTION).getAndSet(null);
                if (connection == null) {
                    return;
                }
                connection.settled();
                if (pipeline.get(VERTX_DECODER) == null || pipeline.get(VERTX_HANDLER) == null) {
                    connection.unguarded(); // TLS or HTTP/2 is negotiated first: not a pipeline this guard knows
                    return;
                }
                pipeline.addFirst("octoagent-bytes-in", connection.bytesIn());
                pipeline.addBefore(VERTX_HANDLER, "octoagent-exchanges", connection.exchanges());
                connection.setUp();
            }
        };
    }

    /** A connection accepted earlier is now set up by its event loop, or gone: accept again once they have caught up. */
    void settledOne() {
        if (settingUp.decrementAndGet() < MAX_SETTING_UP) {
            server.config().setAutoRead(true);
        }
    }

    long headerTimeoutNanos() {
        return headerTimeoutNanos;
    }

    /** Registers a connection that now has no request in progress; returns its place in the queue. */
    long startWaiting(GuardedConnection connection) {
        long place = arrivals.incrementAndGet();
        idle.put(place, connection);
        if (idleCount.incrementAndGet() > maxIdle) {
            Map.Entry<Long, GuardedConnection> oldest = idle.pollFirstEntry();
            if (oldest != null) {
                idleCount.decrementAndGet();
                oldest.getValue().evict(oldest.getKey());
            }
        }
        return place;
    }

    /** The connection at {@code place} has a request in progress, or is gone. */
    void stopWaiting(long place) {
        if (idle.remove(place) != null) {
            idleCount.decrementAndGet();
        }
    }

    /**
     * Keeps idle connections to at most half the file descriptors the process may open, so that
     * the rest (requests in progress, the database, a health check's new connection) always fit.
     */
    private static int withinDescriptorLimit(int configured) {
        try {
            if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix
                    && unix.getMaxFileDescriptorCount() > 0) {
                return (int) Math.max(1, Math.min(configured, unix.getMaxFileDescriptorCount() / 2));
            }
        } catch (RuntimeException | LinkageError unknown) {
            // no limit known: the configured number stands
        }
        return configured;
    }
}
