package io.octoagent.gateway.web.connection;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import io.octoagent.gateway.web.RequestEdgeFilter;
import io.quarkus.logging.Log;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One accepted HTTP/1.x connection as its {@link ConnectionGuard} sees it. Two handlers share this
 * state, both on the connection's event loop: {@link #bytesIn()}, first in the pipeline, notices
 * the first byte of a request head; {@link #exchanges()}, just before Vert.x's own handler, sees
 * each decoded request head and each response, and gives the HTTP layer's bodiless error answers
 * the JSON shape.
 */
final class GuardedConnection {

    private static final long NOT_WAITING = 0;

    private final ConnectionGuard guard;
    private final Channel channel;
    /** Place in the guard's queue of idle connections, or {@link #NOT_WAITING}. */
    private long place = NOT_WAITING;
    /** Evicted before an event loop had it: closed as soon as it is set up. */
    private volatile long evictedBeforeSetUp = NOT_WAITING;
    private final AtomicBoolean settled = new AtomicBoolean();
    /** When the first byte of a request head arrived; 0 when no head is being received. */
    private long headStartedNanos;
    private ScheduledFuture<?> headDeadline;
    private int requestsInProgress;
    private String clientRequestId;
    private boolean headMethod;

    GuardedConnection(ConnectionGuard guard, Channel channel) {
        this.guard = guard;
        this.channel = channel;
    }

    ChannelHandler bytesIn() {
        return new BytesIn();
    }

    ChannelHandler exchanges() {
        return new Exchanges();
    }

    /** Counted as idle from the moment it is accepted (on the acceptor thread, before any event loop has it). */
    void startWaiting() {
        place = guard.startWaiting(this);
    }

    /** Its event loop has set it up, or it has closed: the guard counts that once. */
    void settled() {
        if (settled.compareAndSet(false, true)) {
            guard.settledOne();
        }
    }

    /** Set up by Vert.x, on the connection's event loop: it may have been evicted while it waited for that. */
    void setUp() {
        if (evictedBeforeSetUp != NOT_WAITING) {
            evictNow(evictedBeforeSetUp);
        }
    }

    /** Vert.x set up something other than plain HTTP/1.x: no longer counted. */
    void unguarded() {
        stopWaiting();
    }

    private void stopWaiting() {
        if (place != NOT_WAITING) {
            guard.stopWaiting(place);
            place = NOT_WAITING;
        }
    }

    /** Called by the guard from any thread: closes this connection if it is still idle at {@code queuedPlace}. */
    void evict(long queuedPlace) {
        if (channel.isRegistered()) {
            channel.eventLoop().execute(() -> evictNow(queuedPlace));
        } else {
            evictedBeforeSetUp = queuedPlace; // no event loop yet: closed once set up
        }
    }

    private void evictNow(long queuedPlace) {
        evictedBeforeSetUp = NOT_WAITING;
        if (place != queuedPlace || !channel.isActive()) {
            return; // a request arrived meanwhile, or it closed
        }
        place = NOT_WAITING;
        ConnectionCuts.IDLE_LIMIT.increment();
        if (headStartedNanos != 0) {
            closeWithTimeout("the server is at its limit of idle connections");
        } else {
            channel.close();
        }
    }

    private void headTimedOut() {
        headDeadline = null;
        if (headStartedNanos != 0 && channel.isActive()) {
            ConnectionCuts.HEADER_TIMEOUT.increment();
            closeWithTimeout("the request line and headers did not arrive within "
                    + TimeUnit.NANOSECONDS.toMillis(guard.headerTimeoutNanos()) + " ms");
        }
    }

    /** 408 in the JSON shape, written past the HTTP encoder straight to the socket, then close. */
    private void closeWithTimeout(String reason) {
        Log.debugf("Closing HTTP connection from %s: %s", channel.remoteAddress(), reason);
        byte[] answer = PlainErrors.requestTimeout(reason);
        channel.pipeline().firstContext().writeAndFlush(Unpooled.wrappedBuffer(answer));
        channel.close();
    }

    private void headArrived(HttpRequest request) {
        headStartedNanos = 0;
        cancelHeadDeadline();
        stopWaiting();
        requestsInProgress++;
        clientRequestId = request.headers().get(RequestEdgeFilter.REQUEST_ID_HEADER);
        headMethod = HttpMethod.HEAD.equals(request.method());
    }

    private void responseEnded() {
        if (requestsInProgress > 0 && --requestsInProgress == 0 && channel.isActive()) {
            startWaiting();
        }
    }

    private void closed() {
        stopWaiting();
        cancelHeadDeadline();
    }

    private void cancelHeadDeadline() {
        if (headDeadline != null) {
            headDeadline.cancel(false);
            headDeadline = null;
        }
    }

    /** First in the pipeline: raw bytes, before any decoding. */
    private final class BytesIn extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (requestsInProgress == 0 && headStartedNanos == 0) {
                headStartedNanos = System.nanoTime();
            }
            ctx.fireChannelRead(msg);
            // Still no whole head after this read (the usual request fits in one): start the clock.
            if (headStartedNanos != 0 && headDeadline == null && channel.isActive()) {
                long left = guard.headerTimeoutNanos() - (System.nanoTime() - headStartedNanos);
                headDeadline = ctx.executor().schedule(GuardedConnection.this::headTimedOut, Math.max(left, 0),
                        TimeUnit.NANOSECONDS);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            closed();
            ctx.fireChannelInactive();
        }
    }

    /** Just before Vert.x's handler: decoded request heads in, responses out. */
    private final class Exchanges extends ChannelDuplexHandler {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest request) {
                headArrived(request);
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (msg instanceof HttpResponse response && response.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
                ctx.write(msg, promise); // 100 Continue: the real answer follows
                return;
            }
            Object out = msg instanceof FullHttpResponse response && !headMethod && PlainErrors.isBare(response)
                    ? PlainErrors.withJsonBody(response, clientRequestId)
                    : msg;
            ctx.write(out, promise);
            if (msg instanceof LastHttpContent) {
                responseEnded();
            }
        }
    }
}
