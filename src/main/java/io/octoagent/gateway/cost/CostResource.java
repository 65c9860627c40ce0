package io.octoagent.gateway.cost;

import io.octoagent.gateway.common.Ulid;
import io.octoagent.gateway.store.SqliteStore;
import io.octoagent.gateway.access.Caller;
import io.octoagent.gateway.task.TaskService;
import io.quarkus.security.identity.SecurityIdentity;
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
    private final TaskService tasks;
    private final SecurityIdentity identity;

    public CostResource(CostStore costs, SqliteStore store, TaskService tasks, SecurityIdentity identity) {
        this.costs = costs;
        this.store = store;
        this.tasks = tasks;
        this.identity = identity;
    }

    /** The task's model calls summed. */
    @GET
    @Path("/tasks/{task_id}/cost")
    public Uni<TaskCost> taskCost(@PathParam("task_id") String taskId) {
        if (!Ulid.isValid(taskId)) {
            throw ApiException.taskNotFound(taskId);
        }
        Caller caller = Caller.of(identity); // here, on the request's thread: the identity is request scoped
        return store.read(connection -> tasks.visible(connection, taskId, caller))
                .chain(task -> costs.forTask(taskId))
                .map(spend -> new TaskCost(taskId, spend));
    }

    /** Spend grouped by alias, model and provider: of every task for an admin, of its own tasks for an owner. */
    @GET
    @Path("/cost/summary")
    public Uni<CostSummary> summary() {
        return costs.summary(Caller.of(identity).scope());
    }
}
