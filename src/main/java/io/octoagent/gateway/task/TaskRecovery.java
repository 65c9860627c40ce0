package io.octoagent.gateway.task;

import io.octoagent.gateway.artifact.ArtifactStore;
import io.octoagent.gateway.store.SqliteStore;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;

/**
 * At startup: removes artifact files a previous process wrote but never committed, then queues
 * every task it left CREATED or RUNNING, oldest first. They go through the dispatcher like new
 * work, so a restart never sends more calls to the proxy at once than the concurrency limit.
 */
@ApplicationScoped
public class TaskRecovery {

    private final SqliteStore store;
    private final TaskStore tasks;
    private final ArtifactStore artifacts;
    private final TaskDispatcher dispatcher;

    public TaskRecovery(SqliteStore store, TaskStore tasks, ArtifactStore artifacts, TaskDispatcher dispatcher) {
        this.store = store;
        this.tasks = tasks;
        this.artifacts = artifacts;
        this.dispatcher = dispatcher;
    }

    void onStart(@Observes StartupEvent event) {
        int orphans = artifacts.removeOrphanFiles(store.openedAt());
        Log.infof("Removed %d orphan artifact file(s) left by an earlier run", orphans);
        List<String> unfinished = store.readNow(connection ->
                tasks.idsWithStatus(connection, TaskStatus.CREATED, TaskStatus.RUNNING));
        if (!unfinished.isEmpty()) {
            Log.infof("Resuming %d unfinished task(s) left by the previous run (at most %d at once)",
                    unfinished.size(), dispatcher.maxConcurrency());
            unfinished.forEach(dispatcher::enqueue);
        }
    }
}
