package io.octoagent.gateway.task;

import io.octoagent.gateway.store.Store;
import java.sql.Connection;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The embedded store's leases: the data directory lock already makes this the only process, so
 * every task is its own. The first claim returns every unfinished task (the restart's recovery).
 */
public final class SingleProcessLeases implements TaskLeases {

    private final Store store;
    private final TaskStore tasks;
    private final AtomicBoolean recovered = new AtomicBoolean();

    public SingleProcessLeases(Store store, TaskStore tasks) {
        this.store = store;
        this.tasks = tasks;
    }

    @Override
    public void acquireNew(Connection connection, String taskId) {
    }

    @Override
    public void confirm(Connection connection, String taskId) {
    }

    @Override
    public List<String> claim(int max) {
        if (recovered.getAndSet(true)) {
            return List.of();
        }
        return store.readNow(connection -> tasks.idsWithStatus(connection, TaskStatus.CREATED, TaskStatus.RUNNING));
    }

    @Override
    public Set<String> renew(Collection<String> held) {
        return Set.of();
    }

    @Override
    public void release(Collection<String> taskIds) {
    }

    @Override
    public void releaseAll() {
    }

    @Override
    public Optional<Duration> renewEvery() {
        return Optional.empty();
    }
}
