package io.octoagent.gateway.task;

import io.octoagent.gateway.access.Caller;
import io.octoagent.gateway.artifact.ArtifactStore;
import io.octoagent.gateway.common.Ulid;
import io.octoagent.gateway.event.Actor;
import io.octoagent.gateway.event.EventStore;
import io.octoagent.gateway.metrics.TaskMetrics;
import io.octoagent.gateway.store.Store;
import io.octoagent.gateway.web.ApiException;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/** Task use cases behind the HTTP API. */
@ApplicationScoped
public class TaskService {

    public static final int DEFAULT_PAGE = 50;
    public static final int MAX_PAGE = 500;

    private final Store store;
    private final TaskStore tasks;
    private final EventStore events;
    private final ArtifactStore artifacts;
    private final TaskLedger ledger;
    private final TaskDispatcher dispatcher;
    private final SubmitMessageValidator validator;
    private final TaskMetrics metrics;

    public TaskService(Store store, TaskStore tasks, EventStore events, ArtifactStore artifacts,
                       TaskLedger ledger, TaskDispatcher dispatcher, SubmitMessageValidator validator, TaskMetrics metrics) {
        this.store = store;
        this.tasks = tasks;
        this.events = events;
        this.artifacts = artifacts;
        this.ledger = ledger;
        this.dispatcher = dispatcher;
        this.validator = validator;
        this.metrics = metrics;
    }

    /**
     * Records the task durably (its processing starts from that commit); a repeated key returns
     * the first task. A new task continues the trace {@code traceParent} names (null: a new trace).
     */
    public Uni<Submission> submit(SubmitMessageRequest request, String headerKey, Caller caller, String traceParent) {
        return Uni.createFrom().item(() -> validator.validate(request, headerKey, caller).tracedBy(traceParent))
                .chain(task -> ledger.create(task, dispatcher))
                .invoke(submission -> {
                    if (submission.created()) {
                        metrics.submitted();
                        Log.infof("Task %s created (alias %s, %d chars)", submission.task().taskId(),
                                request.modelAlias() == null ? SubmitMessageValidator.DEFAULT_ALIAS : request.modelAlias(),
                                request.text().length());
                    }
                });
    }

    /** A task the caller may not see is "not found": a stranger cannot learn that the id exists. */
    public Uni<TaskDetail> detail(String taskId, Caller caller) {
        requireTaskId(taskId);
        return store.read(connection -> {
            Task task = visible(connection, taskId, caller);
            return new TaskDetail(task, events.listByTask(connection, taskId), artifacts.listByTask(connection, taskId));
        });
    }

    public Uni<TaskPage> page(String status, Integer limit, String cursor, Caller caller) {
        TaskStatus filter = null;
        if (status != null && !status.isEmpty()) {
            filter = TaskStatus.parse(status);
            if (filter == null) {
                throw ApiException.validation("status", "must be one of " + List.of(TaskStatus.values()));
            }
        }
        int size = limit == null ? DEFAULT_PAGE : limit;
        if (size < 1 || size > MAX_PAGE) {
            throw ApiException.validation("limit", "must be between 1 and " + MAX_PAGE);
        }
        if (cursor != null && !cursor.isEmpty() && !Ulid.isValid(cursor)) {
            throw ApiException.validation("cursor", "is not a cursor this API returned");
        }
        TaskStatus statusFilter = filter;
        String after = cursor == null || cursor.isEmpty() ? null : cursor;
        return store.read(connection -> {
            // One extra row tells whether a next page exists.
            List<Task> rows = tasks.page(connection, statusFilter, after, size + 1, caller.scope());
            boolean more = rows.size() > size;
            List<Task> page = more ? rows.subList(0, size) : rows;
            return new TaskPage(List.copyOf(page), more ? page.get(page.size() - 1).taskId() : null);
        });
    }

    /** CANCELLED commits first; then the in-flight work is stopped. */
    public Uni<CancelResponse> cancel(String taskId, Caller caller) {
        requireTaskId(taskId);
        return store.read(connection -> visible(connection, taskId, caller))
                .chain(task -> ledger.transition(taskId, TaskStatus.CANCELLED, "cancelled by the owner", Actor.USER))
                .invoke(() -> dispatcher.abort(taskId))
                .invoke(() -> metrics.finished(TaskStatus.CANCELLED, null))
                .map(event -> new CancelResponse(taskId, TaskStatus.CANCELLED));
    }

    /** The task, if it exists and the caller may see it; 404 otherwise (both look the same). */
    public Task visible(Connection connection, String taskId, Caller caller) throws SQLException {
        Task task = tasks.find(connection, taskId).orElseThrow(() -> ApiException.taskNotFound(taskId));
        if (!caller.maySee(task.requester().senderId())) {
            throw ApiException.taskNotFound(taskId);
        }
        return task;
    }

    static void requireTaskId(String taskId) {
        if (!Ulid.isValid(taskId)) {
            throw ApiException.taskNotFound(taskId);
        }
    }
}
