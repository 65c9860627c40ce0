package io.octoagent.gateway.task;

import io.octoagent.gateway.access.Caller;
import io.octoagent.gateway.lifecycle.ServiceLifecycle;
import io.octoagent.gateway.tracing.TaskTracing;
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
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api")
@Tag(name = "Tasks", description = "Submit messages as tasks, follow and cancel them")
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
    @Operation(summary = "Submit a message as a task",
            description = "201: the task and its first events are on disk and its processing is scheduled. The same "
                    + "idempotency key (body or Idempotency-Key header) with the same message: 200 and the first task.")
    @RequestBody(content = @Content(mediaType = "application/json", schema = @Schema(implementation = SubmitMessageRequest.class),
            examples = @ExampleObject(name = "summarise", value = "{\"text\": \"Summarise the release notes\", "
                    + "\"idempotency_key\": \"demo-1\", \"model_alias\": \"summarizer\"}")))
    @APIResponse(responseCode = "201", description = "Created", content = @Content(schema = @Schema(implementation = SubmitResponse.class)))
    @APIResponse(responseCode = "200", description = "The key was seen before: the first task", content = @Content(schema = @Schema(implementation = SubmitResponse.class)))
    @APIResponse(responseCode = "400", ref = "#/components/responses/BadRequest")
    @APIResponse(responseCode = "401", ref = "#/components/responses/Unauthorized")
    @APIResponse(responseCode = "409", ref = "#/components/responses/Conflict")
    @APIResponse(responseCode = "413", ref = "#/components/responses/PayloadTooLarge")
    @APIResponse(responseCode = "422", ref = "#/components/responses/Unprocessable")
    @APIResponse(responseCode = "429", ref = "#/components/responses/BacklogFull")
    @APIResponse(responseCode = "503", ref = "#/components/responses/Unavailable")
    @POST
    @Path("/message")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> submit(SubmitMessageRequest request, @HeaderParam("Idempotency-Key") String idempotencyKey,
                                @Parameter(description = "W3C trace context: the task's events carry its trace id "
                                        + "and its processing joins the trace")
                                @HeaderParam("traceparent") String traceParent) {
        if (!lifecycle.isAccepting()) {
            throw new ApiException(503, "SHUTTING_DOWN", "the service is shutting down; retry on another instance");
        }
        return service.submit(request, idempotencyKey, Caller.of(identity), TaskTracing.traceParentOf(traceParent))
                .map(submission -> Response.status(submission.created() ? 201 : 200)
                        .entity(new SubmitResponse(submission.task().taskId(), submission.task().status(),
                                submission.created()))
                        .build());
    }

    @Operation(summary = "List tasks, newest first", description = "An owner sees its own tasks, an admin all.")
    @APIResponse(responseCode = "200", description = "A page of tasks", content = @Content(schema = @Schema(implementation = TaskPage.class)))
    @APIResponse(responseCode = "401", ref = "#/components/responses/Unauthorized")
    @APIResponse(responseCode = "422", ref = "#/components/responses/Unprocessable")
    @GET
    @Path("/tasks")
    public Uni<TaskPage> list(@QueryParam("status") String status, @QueryParam("limit") String limit,
                              @QueryParam("cursor") String cursor) {
        return service.page(status, parseLimit(limit), cursor, Caller.of(identity));
    }

    @Operation(summary = "A task with its events (by task_seq) and artifacts")
    @APIResponse(responseCode = "200", description = "The task", content = @Content(schema = @Schema(implementation = TaskDetail.class)))
    @APIResponse(responseCode = "401", ref = "#/components/responses/Unauthorized")
    @APIResponse(responseCode = "404", ref = "#/components/responses/NotFound")
    @GET
    @Path("/tasks/{task_id}")
    public Uni<TaskDetail> detail(@PathParam("task_id") String taskId) {
        return service.detail(taskId, Caller.of(identity));
    }

    @Operation(summary = "Cancel a task", description = "CANCELLED commits, then the in-flight model call is stopped.")
    @APIResponse(responseCode = "200", description = "Cancelled", content = @Content(schema = @Schema(implementation = CancelResponse.class)))
    @APIResponse(responseCode = "401", ref = "#/components/responses/Unauthorized")
    @APIResponse(responseCode = "404", ref = "#/components/responses/NotFound")
    @APIResponse(responseCode = "409", ref = "#/components/responses/Conflict")
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
