package io.octoagent.gateway.task;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.octoagent.gateway.budget.BudgetProjection;
import io.octoagent.gateway.common.Timestamps;
import io.octoagent.gateway.common.Ulid;
import io.octoagent.gateway.event.Actor;
import io.octoagent.gateway.event.Causality;
import io.octoagent.gateway.event.Event;
import io.octoagent.gateway.event.EventPayload;
import io.octoagent.gateway.event.EventStore;
import io.octoagent.gateway.event.EventType;
import io.octoagent.gateway.event.StateTransitionPayload;
import io.octoagent.gateway.store.WriteContext;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One step of a task inside a write transaction: appends events (each one also folded into the
 * task and budget projections); {@link TaskLedger} announces them to live subscribers.
 */
public final class TaskStep {

    private final WriteContext context;
    private final EventStore events;
    private final ObjectMapper mapper;
    private final String taskId;
    private final String traceId;
    private TaskStatus status;
    private String lastEventId;
    /** The next event's task_seq once known: read once per step, then counted here (0: not read yet). */
    private long nextSeq;
    private final List<Event> appended = new ArrayList<>();

    TaskStep(WriteContext context, EventStore events, ObjectMapper mapper, String taskId, String traceId,
             TaskStatus status, String lastEventId, boolean newTask) {
        this.context = context;
        this.events = events;
        this.mapper = mapper;
        this.taskId = taskId;
        this.traceId = traceId;
        this.status = status;
        this.lastEventId = lastEventId;
        this.nextSeq = newTask ? 1 : 0;
    }

    /** The events this step appended so far, in order. */
    List<Event> appended() {
        return appended;
    }

    WriteContext context() {
        return context;
    }

    public String taskId() {
        return taskId;
    }

    public String traceId() {
        return traceId;
    }

    public TaskStatus status() {
        return status;
    }

    public Connection connection() {
        return context.connection();
    }

    /** Runs {@code action} once this step's transaction has committed (never if it rolls back). */
    public void afterCommit(Runnable action) {
        context.afterCommit(action);
    }

    /** Appends an event; {@code payload} is a payload record or an {@link EventPayload} built beforehand. */
    public Event append(EventType type, Actor actor, Object payload) throws SQLException {
        return append(type, actor, payload, null);
    }

    Event append(EventType type, Actor actor, Object payload, String idempotencyKey) throws SQLException {
        EventPayload json = EventPayload.of(mapper, payload);
        Event event = new Event(
                Ulid.next(),
                taskId,
                nextSeq(),
                Timestamps.now(),
                type,
                Event.SCHEMA_VERSION,
                actor,
                json.tree(),
                traceId,
                spanId(),
                new Causality(lastEventId, idempotencyKey));
        // The projection first: a TASK_CREATED event inserts the tasks row its foreign key needs.
        TaskProjection.apply(context.connection(), event);
        BudgetProjection.apply(context.connection(), event);
        events.insert(context.connection(), event, json.json());
        lastEventId = event.eventId();
        appended.add(event);
        return event;
    }

    /** Appends a STATE_TRANSITION; refuses moves the state machine does not allow. */
    public Event transition(TaskStatus to, String reason, Actor actor) throws SQLException {
        if (!status.canMoveTo(to)) {
            if (status.isTerminal()) {
                throw new TaskNotActiveException(taskId, status);
            }
            throw new IllegalStateException("task " + taskId + " cannot move from " + status + " to " + to);
        }
        Event event = append(EventType.STATE_TRANSITION, actor,
                new StateTransitionPayload(status.name(), to.name(), reason));
        status = to;
        return event;
    }


    /** The task's row is locked for the step (or new), so nobody else appends meanwhile. */
    private long nextSeq() throws SQLException {
        if (nextSeq == 0) {
            nextSeq = events.nextSeq(context.connection(), taskId);
        }
        return nextSeq++;
    }

    private static String spanId() {
        String hex = Long.toHexString(ThreadLocalRandom.current().nextLong());
        return "0".repeat(16 - hex.length()) + hex;
    }
}
