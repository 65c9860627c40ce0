package io.octoagent.gateway.store;

import java.sql.Connection;
import java.sql.SQLException;

/** A query run on one of the store's read-only connections. */
@FunctionalInterface
public interface ReadOperation<T> {
    T apply(Connection connection) throws SQLException;
}
