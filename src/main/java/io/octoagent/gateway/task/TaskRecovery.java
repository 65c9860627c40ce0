package io.octoagent.gateway.task;

import io.octoagent.gateway.store.SqliteStore;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;

/** At startup, resumes every task a previous process left CREATED or RUNNING. */
@ApplicationScoped
public class TaskRecovery {

    private final SqliteStore store;
    private final TaskStore tasks;
    private final TaskPipeline pipeline;

    public TaskRecovery(SqliteStore store, TaskStore tasks, TaskPipeline pipeline) {
        this.store = store;
        this.tasks = tasks;
        this.pipeline = pipeline;
    }

    void onStart(@Observes StartupEvent event) {
        List<String> unfinished = store.readNow(connection ->
                tasks.idsWithStatus(connection, TaskStatus.CREATED, TaskStatus.RUNNING));
        if (!unfinished.isEmpty()) {
            Log.infof("Resuming %d unfinished task(s) left by the previous run", unfinished.size());
            unfinished.forEach(pipeline::resume);
        }
    }
}
