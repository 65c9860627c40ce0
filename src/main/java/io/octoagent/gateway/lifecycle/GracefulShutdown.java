package io.octoagent.gateway.lifecycle;

import io.octoagent.gateway.config.ServiceSettings;
import io.octoagent.gateway.task.TaskDispatcher;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * On SIGTERM: stop taking tasks (readiness DOWN, submissions 503), give in-flight tasks the grace
 * period, then let the shutdown go on. This runs at the start of Quarkus's shutdown (the
 * shutdown-delay event), while the HTTP server and the proxy client still work; tasks still
 * running after the grace period are resumed at the next start.
 */
@ApplicationScoped
public class GracefulShutdown {

    private final ServiceLifecycle lifecycle;
    private final TaskDispatcher dispatcher;
    private final ServiceSettings settings;

    public GracefulShutdown(ServiceLifecycle lifecycle, TaskDispatcher dispatcher, ServiceSettings settings) {
        this.lifecycle = lifecycle;
        this.dispatcher = dispatcher;
        this.settings = settings;
    }

    void onShutdown(@Observes ShutdownDelayInitiatedEvent event) {
        lifecycle.stopAccepting();
        // Waiting tasks stay CREATED in the ledger and start at the next run.
        dispatcher.stopDispatching();
        int running = dispatcher.inflight();
        if (running == 0) {
            return;
        }
        Log.infof("Shutting down: waiting up to %s for %d in-flight task(s)", settings.shutdownGrace(), running);
        if (dispatcher.awaitIdle(settings.shutdownGrace())) {
            Log.info("All in-flight tasks finished");
        } else {
            // Stop them now: left running, they would see the proxy connection close during the
            // rest of the shutdown and record a fallback answer instead of being resumed.
            Log.warnf("%d task(s) still running after the grace period; stopped, they resume at next start",
                    dispatcher.abortAll());
        }
    }
}
