package io.octoagent.gateway.task;

import io.octoagent.gateway.access.Caller;
import io.octoagent.gateway.lifecycle.ServiceLifecycle;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.ws.rs.HeaderParam;
import io.octoagent.gateway.web.ApiException;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
public class TaskResource {

    private final TaskService service;
    private final ServiceLifecycle lifecycle;
    private final SecurityIdentity identity;

    public TaskResource(TaskService service, ServiceLifecycle lifecycle, SecurityIdentity identity) {
        this.service = service;
        this.lifecycle = lifecycle;
        this.identity = identity;
    }

    /** 201 when this request created the task (it is on disk), 200 when the key was seen before. */
    @POST
    @Path("/message")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> submit(SubmitMessageRequest request, @HeaderParam("Idempotency-Key") String idempotencyKey) {
        if (!lifecycle.isAccepting()) {
            throw new ApiException(503, "SHUTTING_DOWN", "the service is shutting down; retry on another instance");
        }
        return service.submit(request, idempotencyKey, Caller.of(identity))
                .map(submission -> Response.status(submission.created() ? 201 : 200)
                        .entity(new SubmitResponse(submission.task().taskId(), submission.task().status(),
                                submission.created()))
                        .build());
    }

    @GET
    @Path("/tasks")
    public Uni<TaskPage> list(@QueryParam("status") String status, @QueryParam("limit") String limit,
                              @QueryParam("cursor") String cursor) {
        return service.page(status, parseLimit(limit), cursor, Caller.of(identity));
    }

    @GET
    @Path("/tasks/{task_id}")
    public Uni<TaskDetail> detail(@PathParam("task_id") String taskId) {
        return service.detail(taskId, Caller.of(identity));
    }

    @POST
    @Path("/tasks/{task_id}/cancel")
    public Uni<CancelResponse> cancel(@PathParam("task_id") String taskId) {
        return service.cancel(taskId, Caller.of(identity));
    }

    private static Integer parseLimit(String limit) {
        if (limit == null || limit.isEmpty()) {
            return null;
        }
        try {
            return Integer.valueOf(limit);
        } catch (NumberFormatException e) {
            throw ApiException.validation("limit", "must be a whole number");
        }
    }
}
