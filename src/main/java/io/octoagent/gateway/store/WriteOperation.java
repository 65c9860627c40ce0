package io.octoagent.gateway.store;

import java.sql.SQLException;

/** A unit of work run by the store's writer inside a (shared) transaction. */
@FunctionalInterface
public interface WriteOperation<T> {
    T apply(WriteContext context) throws SQLException;
}
