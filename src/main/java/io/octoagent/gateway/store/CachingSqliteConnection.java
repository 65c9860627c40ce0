package io.octoagent.gateway.store;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.sqlite.jdbc4.JDBC4Connection;

/**
 * A SQLite connection that keeps its prepared statements: {@code prepareStatement(sql)} hands
 * back the statement it prepared for that SQL before, so SQLite parses each statement once per
 * connection instead of once per use (the writer and the readers run the same few dozen
 * statements over and over). Callers keep using try-with-resources: closing a
 * {@link ReusableStatement} returns it here instead of finalizing it.
 *
 * <p>Not thread-safe, like the connection itself: the writer thread owns its connection, a
 * reader owns its connection while it holds it.
 */
final class CachingSqliteConnection extends JDBC4Connection {

    /** Distinct SQL texts kept; the least recently used statement beyond this is finalized. */
    static final int CAPACITY = 256;

    private final Map<String, ReusableStatement> cache = new LinkedHashMap<>(64, 0.75f, true);

    private CachingSqliteConnection(String url, String file, Properties properties) throws SQLException {
        super(url, file, properties);
    }

    /** Opens {@code jdbc:sqlite:<file>} with {@code properties}, as the driver itself would. */
    static CachingSqliteConnection open(String url, Properties properties) throws SQLException {
        return new CachingSqliteConnection(url, url.substring("jdbc:sqlite:".length()), properties);
    }

    @Override
    public PreparedStatement prepareStatement(String sql) throws SQLException {
        ReusableStatement cached = cache.get(sql);
        if (cached != null && cached.isBroken()) {
            cache.remove(sql);
            cached = null;
        }
        if (cached == null) {
            cached = new ReusableStatement(this, sql);
            cache.put(sql, cached);
            evictBeyondCapacity();
        } else if (cached.inUse()) {
            // The same SQL while its statement is still open (a nested use): a plain one-off statement.
            return super.prepareStatement(sql);
        }
        cached.checkOut();
        return cached;
    }

    /** How many statements this connection keeps prepared (for tests). */
    int cachedStatements() {
        return cache.size();
    }

    @Override
    public void close() throws SQLException {
        for (ReusableStatement statement : cache.values()) {
            statement.finalizeQuietly();
        }
        cache.clear();
        super.close();
    }

    private void evictBeyondCapacity() {
        Iterator<ReusableStatement> eldest = cache.values().iterator();
        while (cache.size() > CAPACITY && eldest.hasNext()) {
            ReusableStatement statement = eldest.next();
            if (!statement.inUse()) {
                eldest.remove();
                statement.finalizeQuietly();
            }
        }
    }
}
