package io.octoagent.gateway.stream;

import io.octoagent.gateway.event.Event;
import io.octoagent.gateway.store.WriteContext;
import java.util.List;

/** One process writes and serves every stream: the hub hears of events once their commit is durable. */
public final class InProcessLiveEvents implements LiveEvents {

    private final TaskEventHub hub;

    public InProcessLiveEvents(TaskEventHub hub) {
        this.hub = hub;
    }

    @Override
    public void announce(WriteContext context, List<Event> events) {
        if (!events.isEmpty()) {
            List<Event> committed = List.copyOf(events);
            context.afterCommit(() -> hub.publish(committed));
        }
    }
}
