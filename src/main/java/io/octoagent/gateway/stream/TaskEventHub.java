package io.octoagent.gateway.stream;

import io.octoagent.gateway.event.Event;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * In-process fan-out of committed events to live subscribers, keyed by task. The store's writer
 * publishes after each commit; with no subscriber for a task, publishing is one map lookup.
 */
@ApplicationScoped
public class TaskEventHub {

    /** Receives a task's events in commit order; must not block (it runs on the store's writer or event listener). */
    @FunctionalInterface
    public interface Listener {
        void onEvents(List<Event> events);
    }

    private final Map<String, Set<Listener>> listeners = new ConcurrentHashMap<>();

    public void subscribe(String taskId, Listener listener) {
        listeners.computeIfAbsent(taskId, id -> ConcurrentHashMap.newKeySet()).add(listener);
    }

    public void unsubscribe(String taskId, Listener listener) {
        listeners.computeIfPresent(taskId, (id, set) -> {
            set.remove(listener);
            return set.isEmpty() ? null : set;
        });
    }

    public void publish(List<Event> events) {
        if (events.isEmpty()) {
            return;
        }
        Set<Listener> subscribers = listeners.get(events.get(0).taskId());
        if (subscribers == null) {
            return;
        }
        for (Listener listener : subscribers) {
            try {
                listener.onEvents(events);
            } catch (RuntimeException e) {
                Log.warn("A stream subscriber failed to take events", e);
            }
        }
    }

    /** Live subscribers of one task. */
    public int subscriberCount(String taskId) {
        Set<Listener> set = listeners.get(taskId);
        return set == null ? 0 : set.size();
    }

    /** The tasks that have live subscribers now. */
    public Set<String> subscribedTasks() {
        return Set.copyOf(listeners.keySet());
    }

    /** Live subscribers of all tasks. */
    public int subscriberCount() {
        return listeners.values().stream().mapToInt(Set::size).sum();
    }
}
