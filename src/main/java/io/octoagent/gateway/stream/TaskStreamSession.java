package io.octoagent.gateway.stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.octoagent.gateway.event.Event;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * One SSE connection following one task. It subscribes before the history is read, so no
 * event can fall between history and live; live events already covered by the history are
 * skipped by {@code task_seq}. Every state change happens on the connection's event loop.
 * Frames the socket cannot take yet wait in a bounded backlog; a client that lets it overflow
 * is disconnected (it can resume with Last-Event-ID) so it never slows writers or others.
 */
final class TaskStreamSession implements TaskEventHub.Listener {

    private static final Logger LOG = Logger.getLogger(TaskStreamSession.class);

    private final String taskId;
    private final Vertx vertx;
    private final Context context;
    private final HttpServerResponse response;
    private final TaskEventHub hub;
    private final ObjectMapper mapper;
    private final int maxBacklog;
    private final Runnable onClose;

    private final List<Event> beforeHistory = new ArrayList<>();
    /** History frames not yet written: already in memory, written as the socket drains, not bounded. */
    private final ArrayDeque<String> historyBacklog = new ArrayDeque<>();
    /** Live frames not yet written: bounded by {@code maxBacklog}. */
    private final ArrayDeque<String> backlog = new ArrayDeque<>();
    private boolean live;
    private boolean ending;
    private boolean closed;
    private long lastSentSeq;
    private long heartbeatTimer = -1;

    TaskStreamSession(String taskId, Vertx vertx, Context context, HttpServerResponse response, TaskEventHub hub,
                      ObjectMapper mapper, int maxBacklog, Runnable onClose) {
        this.taskId = taskId;
        this.vertx = vertx;
        this.context = context;
        this.response = response;
        this.hub = hub;
        this.mapper = mapper;
        this.maxBacklog = maxBacklog;
        this.onClose = onClose;
    }

    /** Called by the hub on the store's writer thread: hop to the event loop, never block. */
    @Override
    public void onEvents(List<Event> events) {
        context.runOnContext(ignored -> accept(events));
    }

    void subscribe() {
        hub.subscribe(taskId, this);
    }

    /**
     * Sends the history (events after {@code resumeSeq}), then whatever arrived meanwhile, and
     * goes live — or ends at once when the task was already terminal and the client has seen it all.
     */
    void start(List<Event> history, long resumeSeq, boolean taskTerminal, long heartbeatMillis, long retryMillis) {
        if (closed) {
            return;
        }
        if (response.closed()) {
            close(); // the client left while the history was being read
            return;
        }
        response.setChunked(true)
                .putHeader("Content-Type", "text/event-stream")
                .putHeader("Cache-Control", "no-cache")
                .putHeader("X-Accel-Buffering", "no");
        response.closeHandler(ignored -> close());
        response.exceptionHandler(ignored -> close());
        response.drainHandler(ignored -> flush());
        lastSentSeq = resumeSeq;
        // A comment goes out at once, so a client sees the stream open even before the first event;
        // with it, how long a client should wait before it reconnects.
        response.write(SseFrames.connected(retryMillis));
        live = true;
        send(history, historyBacklog);
        send(beforeHistory, backlog);
        beforeHistory.clear();
        if (taskTerminal && !ending) {
            finish();
        }
        if (!closed && !ending) {
            heartbeatTimer = vertx.setPeriodic(heartbeatMillis, id -> enqueue(SseFrames.HEARTBEAT, backlog));
        }
    }

    /** Ends the session without a response body (used when the request is refused). */
    void abandon() {
        closed = true;
        hub.unsubscribe(taskId, this);
    }

    private void accept(List<Event> events) {
        if (closed) {
            return;
        }
        if (!live) {
            beforeHistory.addAll(events);
            if (beforeHistory.size() > maxBacklog) {
                drop();
            }
            return;
        }
        send(events, backlog);
    }

    private void send(List<Event> events, ArrayDeque<String> queue) {
        for (Event event : events) {
            if (closed) {
                return;
            }
            if (event.taskSeq() <= lastSentSeq) {
                continue; // already sent as history
            }
            lastSentSeq = event.taskSeq();
            enqueue(SseFrames.frame(mapper, event), queue);
            if (SseFrames.isFinal(event)) {
                finish();
                return;
            }
        }
    }

    private void enqueue(String frame, ArrayDeque<String> queue) {
        if (closed) {
            return;
        }
        queue.add(frame);
        if (backlog.size() > maxBacklog) {
            drop();
            return;
        }
        flush();
    }

    /** Writes what the socket takes now, history first; the drain handler calls it again. */
    private void flush() {
        while (!closed && !response.writeQueueFull() && !(historyBacklog.isEmpty() && backlog.isEmpty())) {
            response.write(historyBacklog.isEmpty() ? backlog.poll() : historyBacklog.poll());
        }
        if (ending && historyBacklog.isEmpty() && backlog.isEmpty() && !closed) {
            close();
            response.end();
        }
    }

    /** The final event is queued: end the response once the backlog is written. */
    private void finish() {
        ending = true;
        flush();
    }

    private void drop() {
        LOG.warnf("Dropping a slow stream client of task %s (more than %d events waiting); it can resume with"
                + " Last-Event-ID", taskId, maxBacklog);
        close();
        response.reset();
    }

    private void close() {
        if (closed) {
            return;
        }
        closed = true;
        hub.unsubscribe(taskId, this);
        if (heartbeatTimer >= 0) {
            vertx.cancelTimer(heartbeatTimer);
        }
        historyBacklog.clear();
        backlog.clear();
        onClose.run();
    }
}
