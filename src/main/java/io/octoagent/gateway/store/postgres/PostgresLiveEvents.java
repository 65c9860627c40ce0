package io.octoagent.gateway.store.postgres;

import io.octoagent.gateway.event.Event;
import io.octoagent.gateway.event.EventStore;
import io.octoagent.gateway.event.EventType;
import io.octoagent.gateway.store.WriteContext;
import io.octoagent.gateway.stream.LiveEvents;
import io.octoagent.gateway.stream.TaskEventHub;
import io.octoagent.gateway.task.TaskDispatcher;
import io.octoagent.gateway.task.TaskStatus;
import io.quarkus.logging.Log;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Live events across replicas. Each transaction that appends events sends
 * {@code NOTIFY octoagent_events, '<task> <first seq> <last seq>[ C]'}; PostgreSQL delivers
 * notifications only once their transaction commits, to every listening replica, in commit
 * order. Each replica listens on one connection and, for a task that has subscribers here,
 * reads those events and hands them to its hub, one notification after the other, so a stream
 * sees every event in {@code task_seq} order whichever replica wrote it. A trailing {@code C}
 * (cancelled) stops the call if this replica is the one making it. After a lost connection, the
 * subscribed tasks' events are read again in full (streams skip what they already sent).
 */
@Singleton // created (and listening) as soon as the engine is chosen, not at its first use
@Typed(PostgresLiveEvents.class)
public class PostgresLiveEvents implements LiveEvents {

    static final String CHANNEL = "octoagent_events";
    private static final int POLL_MILLIS = 500;

    private final PostgresStore store;
    private final TaskEventHub hub;
    private final EventStore events;
    private final Instance<TaskDispatcher> dispatcher;
    private volatile boolean running;
    private Thread listener;

    public PostgresLiveEvents(PostgresStore store, TaskEventHub hub, EventStore events,
                              Instance<TaskDispatcher> dispatcher) {
        this.store = store;
        this.hub = hub;
        this.events = events;
        this.dispatcher = dispatcher;
    }

    @PostConstruct
    void start() {
        running = true;
        listener = new Thread(this::listen, "octoagent-db-events");
        listener.setDaemon(true);
        listener.start();
    }

    @PreDestroy
    void stop() {
        running = false;
        listener.interrupt();
    }

    @Override
    public void announce(WriteContext context, List<Event> appended) throws SQLException {
        if (appended.isEmpty()) {
            return;
        }
        Event first = appended.get(0);
        boolean cancelled = appended.stream().anyMatch(event -> event.type() == EventType.STATE_TRANSITION
                && TaskStatus.CANCELLED.name().equals(event.payloadText("to")));
        try (PreparedStatement statement = context.connection().prepareStatement("SELECT pg_notify(?, ?)")) {
            statement.setString(1, CHANNEL);
            statement.setString(2, first.taskId() + " " + first.taskSeq() + " "
                    + appended.get(appended.size() - 1).taskSeq() + (cancelled ? " C" : ""));
            statement.execute();
        }
    }

    private void listen() {
        boolean reconnecting = false;
        while (running) {
            try (Connection connection = store.dataSource().getConnection()) {
                PGConnection notifications = connection.unwrap(PGConnection.class);
                try (Statement statement = connection.createStatement()) {
                    statement.execute("LISTEN " + CHANNEL);
                }
                if (reconnecting) {
                    Log.info("Listening for live events again; replaying the streamed tasks' events");
                    replaySubscribed(connection);
                }
                reconnecting = true;
                while (running) {
                    PGNotification[] received = notifications.getNotifications(POLL_MILLIS);
                    if (received != null) {
                        for (PGNotification notification : received) {
                            deliver(connection, notification.getParameter());
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (!running) {
                    return;
                }
                Log.warnf("The live event listener lost its database connection (%s); reconnecting",
                        PostgresErrors.describe(e));
                pause();
            }
        }
    }

    /** Reads on the listening connection itself: a pool drained by writers never holds live events up. */
    private void deliver(Connection connection, String notice) throws SQLException {
        String[] parts = notice.split(" ");
        if (parts.length < 3) {
            return;
        }
        String taskId = parts[0];
        if (parts.length > 3 && "C".equals(parts[3])) {
            dispatcher.get().abort(taskId); // a no-op unless this replica runs the task
        }
        if (hub.subscriberCount(taskId) == 0) {
            return;
        }
        long firstSeq = Long.parseLong(parts[1]);
        long lastSeq = Long.parseLong(parts[2]);
        hub.publish(events.listBetween(connection, taskId, firstSeq, lastSeq));
    }

    private void replaySubscribed(Connection connection) throws SQLException {
        for (String taskId : hub.subscribedTasks()) {
            hub.publish(events.listByTask(connection, taskId));
        }
    }

    private void pause() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }
}
