package io.octoagent.gateway.task;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/** One page of tasks, newest first; {@code next_cursor} is null on the last page. */
@RegisterForReflection
public record TaskPage(List<Task> tasks, String nextCursor) {
}
