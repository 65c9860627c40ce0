package io.octoagent.gateway.access;

import io.octoagent.gateway.store.Store;
import io.octoagent.gateway.task.TaskService;
import io.octoagent.gateway.web.ApiException;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code POST /api/stream/ticket {"task_id": …}} → a one-use ticket valid for 60 s that opens
 * that task's event stream as {@code /api/stream/task/{task_id}?ticket=…}, for browsers whose
 * {@code EventSource} cannot send the token.
 */
@Path("/api/stream/ticket")
@Tag(name = "Tasks")
public class StreamTicketResource {

    @RegisterForReflection
    public record TicketRequest(String taskId) {
    }

    @RegisterForReflection
    public record Ticket(String ticket, String taskId, long expiresInSeconds, String streamUrl) {
    }

    private final StreamTickets tickets;
    private final TaskService tasks;
    private final Store store;
    private final SecurityIdentity identity;

    public StreamTicketResource(StreamTickets tickets, TaskService tasks, Store store, SecurityIdentity identity) {
        this.tickets = tickets;
        this.tasks = tasks;
        this.store = store;
        this.identity = identity;
    }

    @Operation(summary = "A one-use, 60 s ticket that opens one task's event stream without a header (EventSource)")
    @RequestBody(content = @Content(mediaType = "application/json", schema = @Schema(implementation = TicketRequest.class),
            examples = @ExampleObject(name = "ticket", value = "{\"task_id\": \"01JBZ3NDEKTSV4RRFFQ69G5FAV\"}")))
    @APIResponse(responseCode = "200", description = "The ticket and the stream URL", content = @Content(schema = @Schema(implementation = Ticket.class)))
    @APIResponse(responseCode = "401", ref = "#/components/responses/Unauthorized")
    @APIResponse(responseCode = "404", ref = "#/components/responses/NotFound")
    @APIResponse(responseCode = "422", ref = "#/components/responses/Unprocessable")
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Ticket> issue(TicketRequest request) {
        if (request == null || request.taskId() == null) {
            throw ApiException.validation("task_id", "is required");
        }
        Caller caller = Caller.of(identity);
        String taskId = request.taskId();
        return store.read(connection -> tasks.visible(connection, taskId, caller))
                .map(task -> {
                    String owner = caller.anonymous() ? task.requester().senderId() : caller.owner();
                    String role = caller.admin() ? ApiToken.ADMIN : ApiToken.OWNER;
                    String ticket = tickets.issue(taskId, owner, role);
                    return new Ticket(ticket, taskId, StreamTickets.LIFETIME.toSeconds(),
                            StreamTickets.STREAM_PATH_PREFIX + taskId + "?ticket=" + ticket);
                });
    }
}
