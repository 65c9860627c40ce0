package io.octoagent.gateway.task;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.octoagent.gateway.budget.BudgetProjection;
import io.octoagent.gateway.common.Sha256;
import io.octoagent.gateway.common.Ulid;
import io.octoagent.gateway.event.Actor;
import io.octoagent.gateway.event.Event;
import io.octoagent.gateway.event.EventPayload;
import io.octoagent.gateway.event.EventStore;
import io.octoagent.gateway.event.EventType;
import io.octoagent.gateway.event.TaskCreatedPayload;
import io.octoagent.gateway.event.UserMessagePayload;
import io.octoagent.gateway.store.Store;
import io.octoagent.gateway.store.WriteContext;
import io.octoagent.gateway.stream.LiveEvents;
import io.octoagent.gateway.tracing.TaskTracing;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;

/**
 * The write side of tasks. Every change is a set of events committed, with the projection
 * update, in one transaction; live subscribers hear of them only after that commit.
 */
@ApplicationScoped
public class TaskLedger {

    private final Store store;
    private final EventStore events;
    private final TaskStore tasks;
    private final LiveEvents live;
    private final TaskLeases leases;
    private final ObjectMapper mapper;

    public TaskLedger(Store store, EventStore events, TaskStore tasks, LiveEvents live, TaskLeases leases,
                      ObjectMapper mapper) {
        this.store = store;
        this.events = events;
        this.tasks = tasks;
        this.live = live;
        this.leases = leases;
        this.mapper = mapper;
    }

    /** A step body: runs inside the transaction, may append events through the step. */
    @FunctionalInterface
    public interface StepBody<T> {
        T apply(TaskStep step) throws SQLException;
    }

    /**
     * Creates the task with its TASK_CREATED and USER_MESSAGE events, or returns the task an
     * earlier request with the same idempotency key created. The store serialises the check and
     * the insert (SQLite's single writer; PostgreSQL refuses the second insert of a key and the
     * write runs again, finding the first), so concurrent requests with one key — to one replica
     * or several — create exactly one task, held by the replica that created it.
     * A new task is admitted by {@code intake} inside the transaction and handed to it once the
     * transaction commits: its processing starts from the commit, whatever happens to the caller.
     */
    public Uni<Submission> create(NewTask request, TaskIntake intake) {
        String textHash = Sha256.hex(request.text());
        EventPayload created = EventPayload.of(mapper, new TaskCreatedPayload(request.title(), request.threadId(),
                request.scopeId(), request.channel(), request.senderId()));
        EventPayload message = EventPayload.of(mapper, UserMessagePayload.of(request.text()));
        return store.write(context -> {
            // Keys are per owner: another owner's task is never found (nor named) through one.
            Optional<String> earlier = tasks.taskForKey(context.connection(), request.senderId(),
                    request.idempotencyKey());
            if (earlier.isPresent()) {
                String taskId = earlier.get();
                TaskInput input = tasks.input(context.connection(), taskId).orElseThrow();
                Task task = tasks.find(context.connection(), taskId).orElseThrow();
                if (!input.textSha256().equals(textHash) || !input.modelAlias().equals(request.modelAlias())
                        || !task.requester().channel().equals(request.channel())
                        || !task.threadId().equals(request.threadId())) {
                    throw new IdempotencyConflictException(taskId);
                }
                return new Creation(new Submission(task, false), null);
            }
            try {
                intake.checkRoom();
            } catch (BacklogFullException full) {
                // Returned, not thrown: a refusal writes nothing and costs the batch no re-run.
                return new Creation(null, full);
            }
            String taskId = Ulid.next();
            context.afterCommit(() -> intake.enqueue(taskId, request.traceParent()));
            String traceId = TaskTracing.traceIdOf(request.traceParent());
            TaskStep step = newStep(context, taskId, traceId != null ? traceId : TaskTracing.newTraceId(),
                    TaskStatus.CREATED, null, true);
            step.append(EventType.TASK_CREATED, Actor.USER, created, request.idempotencyKey());
            tasks.insertInput(context.connection(), new TaskInput(taskId, request.text(), textHash,
                    request.modelAlias(), request.senderName()));
            tasks.insertKey(context.connection(), request.senderId(), request.idempotencyKey(), taskId);
            step.append(EventType.USER_MESSAGE, Actor.USER, message);
            leases.acquireNew(context.connection(), taskId);
            live.announce(context, step.appended());
            return new Creation(new Submission(tasks.find(context.connection(), taskId).orElseThrow(), true), null);
        }).map(Creation::submissionOrThrow);
    }

    /** What a creating write came to: the submission, or the backlog's refusal. */
    private record Creation(Submission submission, BacklogFullException refusal) {
        Submission submissionOrThrow() {
            if (refusal != null) {
                throw refusal;
            }
            return submission;
        }
    }

    /**
     * Runs {@code body} as one transaction on a task that has not reached a terminal state. The
     * task's row is locked first: steps on one task (from any replica) run one after the other.
     * Fails with {@link TaskNotActiveException} otherwise: nothing is written after CANCELLED.
     */
    public <T> Uni<T> step(String taskId, StepBody<T> body) {
        return store.write(context -> announced(activeStep(context, taskId), body));
    }

    /**
     * A step of the task's worker: like {@link #step}, but only while this process holds the
     * task's lease ({@link LeaseLostException} otherwise), so a replica that lost a task to
     * another never writes to it again.
     */
    public <T> Uni<T> workerStep(String taskId, StepBody<T> body) {
        return store.write(context -> {
            TaskStep step = activeStep(context, taskId);
            leases.confirm(context.connection(), taskId);
            return announced(step, body);
        });
    }

    private <T> T announced(TaskStep step, StepBody<T> body) throws SQLException {
        T result = body.apply(step);
        live.announce(step.context(), step.appended());
        return result;
    }

    /** Moves a task to {@code to} in its own transaction. */
    public Uni<Event> transition(String taskId, TaskStatus to, String reason, Actor actor) {
        return step(taskId, step -> step.transition(to, reason, actor));
    }

    /** Wipes the task and budget projections and folds every event into them again, in one transaction. */
    public Uni<Integer> rebuildProjection() {
        return store.write(context -> {
            store.dialect().deferForeignKeys(context.connection());
            try (Statement statement = context.connection().createStatement()) {
                statement.execute("DELETE FROM tasks");
            }
            BudgetProjection.wipe(context.connection());
            List<Event> all = events.listAll(context.connection());
            for (Event event : all) {
                TaskProjection.apply(context.connection(), event);
                BudgetProjection.apply(context.connection(), event);
            }
            return all.size();
        });
    }

    private TaskStep activeStep(WriteContext context, String taskId) throws SQLException {
        try (PreparedStatement statement = context.connection().prepareStatement(
                "SELECT status, trace_id, latest_event_id FROM tasks WHERE task_id = ?"
                        + store.dialect().forUpdate())) {
            statement.setString(1, taskId);
            try (ResultSet row = statement.executeQuery()) {
                if (!row.next()) {
                    throw new TaskNotFoundException(taskId);
                }
                TaskStatus status = TaskStatus.valueOf(row.getString(1));
                if (status.isTerminal()) {
                    throw new TaskNotActiveException(taskId, status);
                }
                return newStep(context, taskId, row.getString(2), status, row.getString(3), false);
            }
        }
    }

    private TaskStep newStep(WriteContext context, String taskId, String traceId, TaskStatus status,
                             String lastEventId, boolean newTask) {
        return new TaskStep(context, events, mapper, taskId, traceId, status, lastEventId, newTask);
    }
}
