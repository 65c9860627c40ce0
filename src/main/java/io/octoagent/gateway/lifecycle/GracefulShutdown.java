package io.octoagent.gateway.lifecycle;

import io.octoagent.gateway.config.ServiceSettings;
import io.octoagent.gateway.task.TaskDispatcher;
import io.octoagent.gateway.task.TaskLeases;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * On SIGTERM: stop taking tasks (readiness DOWN, submissions 503), give in-flight tasks the grace
 * period, give up the leases of what is left (another replica takes it over), then let the
 * shutdown go on. This runs at the start of Quarkus's shutdown (the
 * shutdown-delay event), while the HTTP server and the proxy client still work; tasks still
 * running after the grace period are resumed at the next start (or at once by another replica).
 */
@ApplicationScoped
public class GracefulShutdown {

    private final ServiceLifecycle lifecycle;
    private final TaskDispatcher dispatcher;
    private final TaskLeases leases;
    private final ServiceSettings settings;

    public GracefulShutdown(ServiceLifecycle lifecycle, TaskDispatcher dispatcher, TaskLeases leases,
                            ServiceSettings settings) {
        this.lifecycle = lifecycle;
        this.dispatcher = dispatcher;
        this.leases = leases;
        this.settings = settings;
    }

    void onShutdown(@Observes ShutdownDelayInitiatedEvent event) {
        lifecycle.stopAccepting();
        // Waiting tasks stay CREATED in the ledger: another replica takes them at once, or the next run does.
        leases.release(dispatcher.stopDispatching());
        int running = dispatcher.inflight();
        if (running == 0) {
            releaseAll();
            return;
        }
        Log.infof("Shutting down: waiting up to %s for %d in-flight task(s)", settings.shutdownGrace(), running);
        if (dispatcher.awaitIdle(settings.shutdownGrace())) {
            Log.info("All in-flight tasks finished");
        } else {
            // Stop them now: left running, they would see the proxy connection close during the
            // rest of the shutdown and record a fallback answer instead of being resumed.
            Log.warnf("%d task(s) still running after the grace period; stopped, they resume at next start"
                    + " (or on another replica)",
                    dispatcher.abortAll());
        }
        releaseAll();
    }

    /** Whatever this replica still holds is free for the others now, not after its leases expire. */
    private void releaseAll() {
        try {
            leases.releaseAll();
        } catch (RuntimeException e) {
            Log.warnf("Could not release this replica's task leases (%s); they expire by themselves", e.getMessage());
        }
    }
}
