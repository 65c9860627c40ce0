package io.octoagent.gateway.cost;

import io.octoagent.gateway.common.Ulid;
import io.octoagent.gateway.store.SqliteStore;
import io.octoagent.gateway.task.TaskStore;
import io.octoagent.gateway.web.ApiException;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
public class CostResource {

    private final CostStore costs;
    private final SqliteStore store;
    private final TaskStore tasks;

    public CostResource(CostStore costs, SqliteStore store, TaskStore tasks) {
        this.costs = costs;
        this.store = store;
        this.tasks = tasks;
    }

    /** The task's model calls summed. */
    @GET
    @Path("/tasks/{task_id}/cost")
    public Uni<TaskCost> taskCost(@PathParam("task_id") String taskId) {
        if (!Ulid.isValid(taskId)) {
            throw ApiException.taskNotFound(taskId);
        }
        return store.read(connection -> tasks.find(connection, taskId).isPresent())
                .chain(exists -> {
                    if (!exists) {
                        return Uni.createFrom().failure(ApiException.taskNotFound(taskId));
                    }
                    return costs.forTask(taskId);
                })
                .map(spend -> new TaskCost(taskId, spend));
    }

    /** Spend of all tasks, grouped by alias, model and provider. */
    @GET
    @Path("/cost/summary")
    public Uni<CostSummary> summary() {
        return costs.summary();
    }
}
