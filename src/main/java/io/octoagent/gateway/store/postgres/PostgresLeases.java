package io.octoagent.gateway.store.postgres;

import io.octoagent.gateway.config.ServiceSettings;
import io.octoagent.gateway.task.LeaseLostException;
import io.octoagent.gateway.task.TaskLeases;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Task leases in {@code task_leases}: owner and expiry, in the database's clock (replicas' clocks
 * may disagree). A replica renews its leases every second (every third of the TTL if shorter);
 * one that stops (killed, cut off) loses them at expiry, and the next replica with room claims
 * the tasks — rows locked with {@code FOR UPDATE SKIP LOCKED}, so two replicas never claim the
 * same one, and a conditional upsert, so a lease renewed meanwhile is never taken. Every worker step confirms
 * its lease in its own transaction: a replica that lost a task can no longer write to it.
 */
@ApplicationScoped
@Typed(PostgresLeases.class)
public class PostgresLeases implements TaskLeases {

    /** A lease's new expiry: the TTL (milliseconds, bound as a parameter) from now, in the database's clock. */
    private static final String EXPIRY = "now() + ? * interval '1 millisecond'";
    private static final String CLAIMABLE = "SELECT t.task_id FROM tasks t"
            + " LEFT JOIN task_leases l ON l.task_id = t.task_id"
            + " WHERE t.status IN ('CREATED', 'RUNNING') AND (l.task_id IS NULL OR l.expires_at < now())"
            + " ORDER BY t.task_id LIMIT ? FOR UPDATE OF t SKIP LOCKED";
    private static final String TAKE = "INSERT INTO task_leases (task_id, owner, expires_at)"
            + " VALUES (?, ?, " + EXPIRY + ")"
            + " ON CONFLICT (task_id) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at"
            + " WHERE task_leases.expires_at < now()";

    private static final String SWEEP = "DELETE FROM task_leases l USING tasks t WHERE l.task_id = t.task_id"
            + " AND t.status NOT IN ('CREATED', 'RUNNING') AND l.expires_at < now()";

    private final PostgresStore store;
    private final long ttlMillis;
    private final String owner;

    public PostgresLeases(PostgresStore store, ServiceSettings settings) {
        this.store = store;
        this.ttlMillis = settings.leaseTtl().toMillis();
        // Per process, never reused: a restarted replica does not inherit its former self's leases.
        this.owner = hostName() + "/" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** This process's name in {@code task_leases.owner}. */
    public String owner() {
        return owner;
    }

    @Override
    public void acquireNew(Connection connection, String taskId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("INSERT INTO task_leases"
                + " (task_id, owner, expires_at) VALUES (?, ?, " + EXPIRY + ")")) {
            statement.setString(1, taskId);
            statement.setString(2, owner);
            statement.setLong(3, ttlMillis);
            statement.executeUpdate();
        }
    }

    @Override
    public void confirm(Connection connection, String taskId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("UPDATE task_leases"
                + " SET expires_at = " + EXPIRY + " WHERE task_id = ? AND owner = ?")) {
            statement.setLong(1, ttlMillis);
            statement.setString(2, taskId);
            statement.setString(3, owner);
            if (statement.executeUpdate() == 0) {
                throw new LeaseLostException(taskId);
            }
        }
    }

    @Override
    public List<String> claim(int max) {
        if (max <= 0) {
            return List.of();
        }
        return store.writeNow(context -> {
            // A replica that died between finishing a task and releasing it left its lease behind.
            try (PreparedStatement statement = context.connection().prepareStatement(SWEEP)) {
                statement.executeUpdate();
            }
            List<String> candidates = new ArrayList<>();
            try (PreparedStatement statement = context.connection().prepareStatement(CLAIMABLE)) {
                statement.setInt(1, max);
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        candidates.add(rows.getString(1));
                    }
                }
            }
            List<String> claimed = new ArrayList<>();
            try (PreparedStatement statement = context.connection().prepareStatement(TAKE)) {
                for (String taskId : candidates) {
                    statement.setString(1, taskId);
                    statement.setString(2, owner);
                    statement.setLong(3, ttlMillis);
                    if (statement.executeUpdate() == 1) {
                        claimed.add(taskId);
                    }
                }
            }
            return claimed;
        });
    }

    @Override
    public Set<String> renew(Collection<String> held) {
        if (held.isEmpty()) {
            return Set.of();
        }
        Set<String> kept = store.writeNow(context -> {
            Set<String> renewed = new HashSet<>();
            try (PreparedStatement statement = context.connection().prepareStatement("UPDATE task_leases"
                    + " SET expires_at = " + EXPIRY + " WHERE owner = ? AND task_id = ANY (?) RETURNING task_id")) {
                statement.setLong(1, ttlMillis);
                statement.setString(2, owner);
                statement.setArray(3, ids(context.connection(), held));
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        renewed.add(rows.getString(1));
                    }
                }
            }
            return renewed;
        });
        Set<String> lost = new HashSet<>(held);
        lost.removeAll(kept);
        return lost;
    }

    @Override
    public void release(Collection<String> taskIds) {
        if (taskIds.isEmpty()) {
            return;
        }
        List<String> ids = List.copyOf(taskIds);
        Infrastructure.getDefaultWorkerPool().execute(() -> {
            try {
                store.writeNow(context -> {
                    try (PreparedStatement statement = context.connection().prepareStatement(
                            "DELETE FROM task_leases WHERE owner = ? AND task_id = ANY (?)")) {
                        statement.setString(1, owner);
                        statement.setArray(2, ids(context.connection(), ids));
                        return statement.executeUpdate();
                    }
                });
            } catch (RuntimeException e) {
                // It expires by itself: another replica only waits longer for it.
                Log.debugf("Releasing %d lease(s) failed: %s", ids.size(), e.getMessage());
            }
        });
    }

    @Override
    public void releaseAll() {
        int released = store.writeNow(context -> {
            try (PreparedStatement statement = context.connection().prepareStatement(
                    "DELETE FROM task_leases WHERE owner = ?")) {
                statement.setString(1, owner);
                return statement.executeUpdate();
            }
        });
        if (released > 0) {
            Log.infof("Released %d task lease(s): other replicas take those tasks over now", released);
        }
    }

    /**
     * A third of the TTL, at most a second: renewing is one UPDATE per replica, and claiming that
     * often lets a replica with free slots take up released or abandoned work without delay.
     */
    @Override
    public Optional<Duration> renewEvery() {
        return Optional.of(Duration.ofMillis(Math.max(200, Math.min(1_000, ttlMillis / 3))));
    }

    private static Array ids(Connection connection, Collection<String> ids) throws SQLException {
        return connection.createArrayOf("text", ids.toArray());
    }

    private static String hostName() {
        String host = System.getenv("HOSTNAME");
        return host == null || host.isBlank() ? "replica" : host;
    }
}
