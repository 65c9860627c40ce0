package io.octoagent.gateway.store;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;

/**
 * What a write operation sees inside the group-commit transaction: the writer's connection and
 * a place to register work that may only happen once the transaction is durable (publishing
 * events to live subscribers, for instance).
 */
public final class WriteContext {

    private final Connection connection;
    private final List<Runnable> afterCommit = new ArrayList<>();

    /** For store engines: the context of one transaction on {@code connection}. */
    public WriteContext(Connection connection) {
        this.connection = connection;
    }

    public Connection connection() {
        return connection;
    }

    /** Runs {@code action} after the commit that makes this operation durable, never if it rolls back. */
    public void afterCommit(Runnable action) {
        afterCommit.add(action);
    }

    /** For store engines: what to run once the transaction committed, in registration order. */
    public List<Runnable> afterCommitActions() {
        return afterCommit;
    }
}
