package io.octoagent.gateway.store;

import io.quarkus.logging.Log;
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

    /**
     * For store engines, once the transaction committed: runs the registered actions in order;
     * one that fails is logged and does not keep the others from running.
     */
    public void runAfterCommit() {
        for (Runnable action : afterCommit) {
            try {
                action.run();
            } catch (RuntimeException e) {
                Log.warn("An after-commit action failed", e);
            }
        }
    }
}
