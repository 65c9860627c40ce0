package io.octoagent.gateway.task;

import io.octoagent.gateway.artifact.Artifact;
import io.octoagent.gateway.event.Event;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/** {@code GET /api/tasks/{id}}: the task, its events by {@code task_seq}, its artifacts. */
@RegisterForReflection
public record TaskDetail(Task task, List<Event> events, List<Artifact> artifacts) {
}
