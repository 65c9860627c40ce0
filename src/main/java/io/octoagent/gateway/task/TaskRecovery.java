package io.octoagent.gateway.task;

import io.octoagent.gateway.artifact.ArtifactStore;
import io.octoagent.gateway.lifecycle.ServiceLifecycle;
import io.octoagent.gateway.store.Store;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Takes up unfinished work. At startup: removes artifact files a previous process wrote but
 * never committed, then queues the unfinished tasks nobody holds (with the embedded store: all
 * of them, oldest first). With a shared store it then keeps going: every
 * {@link TaskLeases#renewEvery()} it renews the leases of the tasks this replica holds (stopping
 * any it lost) and, while it takes work, claims as many abandoned tasks as it has free slots —
 * so a dead replica's tasks move to the living ones at the pace of their concurrency limits.
 * Claimed tasks go through the dispatcher like new work.
 */
@ApplicationScoped
public class TaskRecovery {

    private final Store store;
    private final ArtifactStore artifacts;
    private final TaskDispatcher dispatcher;
    private final TaskLeases leases;
    private final ServiceLifecycle lifecycle;
    private ScheduledExecutorService keeper;

    public TaskRecovery(Store store, ArtifactStore artifacts, TaskDispatcher dispatcher, TaskLeases leases,
                        ServiceLifecycle lifecycle) {
        this.store = store;
        this.artifacts = artifacts;
        this.dispatcher = dispatcher;
        this.leases = leases;
        this.lifecycle = lifecycle;
    }

    void onStart(@Observes StartupEvent event) {
        int orphans = artifacts.removeOrphanFiles(store.openedAt());
        if (orphans > 0) {
            Log.infof("Removed %d orphan artifact file(s) left by an earlier run", orphans);
        }
        List<String> unfinished = leases.claim(dispatcher.room());
        if (!unfinished.isEmpty()) {
            Log.infof("Resuming %d unfinished task(s) left by an earlier run (at most %d at once)",
                    unfinished.size(), dispatcher.maxConcurrency());
            unfinished.forEach(dispatcher::enqueue);
        }
        leases.renewEvery().ifPresent(this::keepLeases);
    }

    void onStop(@Observes ShutdownEvent event) {
        if (keeper != null) {
            keeper.shutdownNow();
        }
    }

    private void keepLeases(Duration every) {
        keeper = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "octoagent-task-leases");
            thread.setDaemon(true);
            return thread;
        });
        keeper.scheduleWithFixedDelay(this::renewAndClaim, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One round: keep what this replica holds, stop what it lost, take up what nobody holds. */
    void renewAndClaim() {
        try {
            Set<String> lost = leases.renew(dispatcher.heldTaskIds());
            for (String taskId : lost) {
                Log.warnf("Task %s was taken over by another replica (its lease here lapsed); stopping it here",
                        taskId);
                dispatcher.abort(taskId);
            }
            if (!lifecycle.isAccepting()) {
                return;
            }
            List<String> claimed = leases.claim(dispatcher.room());
            if (!claimed.isEmpty()) {
                Log.infof("Took over %d task(s) no replica held (their lease expired)", claimed.size());
                claimed.forEach(dispatcher::enqueue);
            }
        } catch (RuntimeException e) {
            Log.warnf("Renewing and claiming task leases failed: %s", e.getMessage());
        }
    }
}
