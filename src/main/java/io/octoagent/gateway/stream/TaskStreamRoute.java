package io.octoagent.gateway.stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.octoagent.gateway.access.Caller;
import io.octoagent.gateway.common.Json;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.octoagent.gateway.common.Ulid;
import io.octoagent.gateway.config.ServiceSettings;
import io.octoagent.gateway.event.Event;
import io.octoagent.gateway.event.EventStore;
import io.octoagent.gateway.store.Store;
import io.octoagent.gateway.task.Task;
import io.octoagent.gateway.task.TaskStore;
import io.octoagent.gateway.web.ApiError;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code GET /api/stream/task/{task_id}}: a task's events as Server-Sent Events — history
 * first, then live, ending after the event that makes the task terminal. Served by a plain
 * Vert.x route so the connection's writes, backpressure and closing are fully under control.
 */
@ApplicationScoped
public class TaskStreamRoute {

    public static final String PATH = "/api/stream/task/:task_id";

    private final Store store;
    private final TaskStore tasks;
    private final EventStore events;
    private final TaskEventHub hub;
    private final ObjectMapper mapper;
    private final ServiceSettings settings;
    private final Vertx vertx;
    private final AtomicInteger openStreams = new AtomicInteger();

    public TaskStreamRoute(Store store, TaskStore tasks, EventStore events, TaskEventHub hub,
                           ObjectMapper mapper, ServiceSettings settings, Vertx vertx) {
        this.store = store;
        this.tasks = tasks;
        this.events = events;
        this.hub = hub;
        this.mapper = mapper;
        this.settings = settings;
        this.vertx = vertx;
    }

    /** What the history query found: a refusal, or the events to replay. */
    private record Replay(int status, String code, String message, List<Event> history, long resumeSeq,
                          boolean terminal) {
        static Replay refuse(int status, String code, String message) {
            return new Replay(status, code, message, List.of(), 0, false);
        }
    }

    void install(@Observes Router router) {
        // After Quarkus's authentication (-200) and authorization (-100) filters, before the REST routes.
        router.get(PATH).order(-50).handler(this::handle);
    }

    /** Streams open right now. */
    public int openStreams() {
        return openStreams.get();
    }

    private void handle(RoutingContext request) {
        String taskId = request.pathParam("task_id");
        if (!Ulid.isValid(taskId)) {
            refuse(request, 404, "TASK_NOT_FOUND", "task does not exist");
            return;
        }
        String lastEventId = Optional.ofNullable(request.request().getHeader("Last-Event-ID"))
                .orElse(request.queryParams().get("last_event_id"));
        Caller caller = Caller.of(request.user() instanceof QuarkusHttpUser
                ? ((QuarkusHttpUser) request.user()).getSecurityIdentity() : null);
        Context context = vertx.getOrCreateContext();
        TaskStreamSession session = new TaskStreamSession(taskId, vertx, context, request.response(), hub, mapper,
                settings.subscriberBuffer(), openStreams::decrementAndGet);
        // Subscribe before reading the history: nothing committed from now on can be missed.
        session.subscribe();
        store.read(connection -> replay(connection, taskId, lastEventId, caller)).subscribe().with(
                replay -> {
                    if (replay.status() != 200) {
                        session.abandon();
                        refuse(request, replay.status(), replay.code(), replay.message());
                        return;
                    }
                    if (replay.terminal() && replay.history().isEmpty()) {
                        // The client has the final event already: 204 tells an EventSource to stop
                        // reconnecting (an empty 200 stream would make it retry forever).
                        session.abandon();
                        if (!request.response().ended() && !request.response().closed()) {
                            request.response().setStatusCode(204).end();
                        }
                        return;
                    }
                    openStreams.incrementAndGet();
                    session.start(replay.history(), replay.resumeSeq(), replay.terminal(),
                            settings.heartbeat().toMillis(), settings.streamRetry().toMillis());
                },
                failure -> {
                    session.abandon();
                    refuse(request, 503, "STORE_UNAVAILABLE", "the task store is not available; retry later");
                });
    }

    private Replay replay(Connection connection, String taskId, String lastEventId, Caller caller) throws SQLException {
        Optional<Task> task = tasks.find(connection, taskId);
        // Someone else's task looks like no task at all.
        if (task.isEmpty() || !caller.maySee(task.get().requester().senderId())) {
            return Replay.refuse(404, "TASK_NOT_FOUND", "task " + taskId + " does not exist");
        }
        long resumeSeq = 0;
        if (lastEventId != null && !lastEventId.isEmpty()) {
            Optional<Event> last = Ulid.isValid(lastEventId) ? events.findById(connection, lastEventId) : Optional.empty();
            if (last.isEmpty() || !last.get().taskId().equals(taskId)) {
                return Replay.refuse(400, "INVALID_LAST_EVENT_ID", "Last-Event-ID is not an event of task " + taskId);
            }
            resumeSeq = last.get().taskSeq();
        }
        return new Replay(200, null, null, events.listAfter(connection, taskId, resumeSeq), resumeSeq,
                task.get().status().isTerminal());
    }

    private void refuse(RoutingContext request, int status, String code, String message) {
        if (request.response().ended() || request.response().closed()) {
            return;
        }
        request.response()
                .setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .end(Json.write(mapper, ApiError.of(code, message)));
    }
}
