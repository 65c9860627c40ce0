package io.octoagent.gateway.task;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which process works which task. Exactly one works a task at a time: the one that created it,
 * or the one that took it over after its worker stopped renewing. With one embedded store, that
 * is always this process ({@link SingleProcessLeases}); with a shared database, a lease row per
 * task, owner and expiry ({@code PostgresLeases}).
 */
public interface TaskLeases {

    /** The new task is this process's to run; called in its creating transaction. */
    void acquireNew(Connection connection, String taskId) throws SQLException;

    /**
     * Inside a worker's step: this process still holds the task (and holds it a while longer).
     * Throws {@link LeaseLostException} when another took it over, so the step writes nothing.
     */
    void confirm(Connection connection, String taskId) throws SQLException;

    /** Unfinished tasks nobody holds, now this process's, oldest first, at most {@code max}. Blocking. */
    List<String> claim(int max);

    /** Extends this process's hold on {@code held}; returns those it no longer holds. Blocking. */
    Set<String> renew(Collection<String> held);

    /** Gives tasks up (finished, or left for others at shutdown); returns at once. */
    void release(Collection<String> taskIds);

    /** Gives up every task this process holds; blocking (shutdown). */
    void releaseAll();

    /** How often to renew and look for tasks to take over; empty when nothing else can hold a task. */
    Optional<Duration> renewEvery();
}
