package io.octoagent.gateway.store;

import java.sql.SQLException;

/**
 * A unit of work run by the store's writer inside a (shared) transaction. It may run more than
 * once before one run commits (SQLite runs a batch again after one of its operations failed;
 * PostgreSQL runs a write again after a serialization failure): it must only read and write
 * through its context, and leave anything else to {@link WriteContext#afterCommit}.
 */
@FunctionalInterface
public interface WriteOperation<T> {
    T apply(WriteContext context) throws SQLException;
}
