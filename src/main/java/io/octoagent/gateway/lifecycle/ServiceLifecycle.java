package io.octoagent.gateway.lifecycle;

import jakarta.enterprise.context.ApplicationScoped;

/** Whether the service still takes new work; turns false at the start of a graceful shutdown. */
@ApplicationScoped
public class ServiceLifecycle {

    private volatile boolean accepting = true;

    public boolean isAccepting() {
        return accepting;
    }

    public void stopAccepting() {
        accepting = false;
    }
}
