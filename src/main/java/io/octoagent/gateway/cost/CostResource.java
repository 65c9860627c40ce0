package io.octoagent.gateway.cost;

import io.octoagent.gateway.access.Caller;
import io.octoagent.gateway.common.Ulid;
import io.octoagent.gateway.store.Store;
import io.octoagent.gateway.task.TaskService;
import io.octoagent.gateway.web.ApiException;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api")
@Tag(name = "Cost", description = "What the model calls cost")
@Produces(MediaType.APPLICATION_JSON)
public class CostResource {

    private final CostStore costs;
    private final Store store;
    private final TaskService tasks;
    private final SecurityIdentity identity;

    public CostResource(CostStore costs, Store store, TaskService tasks, SecurityIdentity identity) {
        this.costs = costs;
        this.store = store;
        this.tasks = tasks;
        this.identity = identity;
    }

    /** The task's model calls summed. */
    @Operation(summary = "A task's model calls summed: cost, tokens, unpriced and fallback calls")
    @APIResponse(responseCode = "200", description = "The task's spend", content = @Content(schema = @Schema(implementation = TaskCost.class)))
    @APIResponse(responseCode = "401", ref = "#/components/responses/Unauthorized")
    @APIResponse(responseCode = "404", ref = "#/components/responses/NotFound")
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

    /**
     * Spend grouped by alias, model and provider, and by {@code group_by} when given: of every task
     * for an admin, of its own tasks for an owner; calls completed in [{@code from}, {@code to}).
     */
    @Operation(summary = "Spend grouped by alias, model and provider (an owner's own, or everyone's for an admin)",
            description = "from (inclusive) and to (exclusive) bound when the calls completed: an ISO-8601 instant "
                    + "or a UTC day; group_by adds spend by alias, model, provider, owner, thread or day.")
    @APIResponse(responseCode = "200", description = "The summary", content = @Content(schema = @Schema(implementation = CostSummary.class)))
    @APIResponse(responseCode = "401", ref = "#/components/responses/Unauthorized")
    @APIResponse(responseCode = "422", ref = "#/components/responses/Unprocessable")
    @GET
    @Path("/cost/summary")
    public Uni<CostSummary> summary(@QueryParam("from") String from, @QueryParam("to") String to,
                                    @QueryParam("group_by") String groupBy) {
        return costs.summary(new CostQuery(Caller.of(identity).scope(), CostQuery.instant("from", from),
                CostQuery.instant("to", to), CostQuery.groupBy(groupBy)));
    }
}
