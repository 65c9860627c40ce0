package io.octoagent.gateway.web;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.octoagent.gateway.artifact.ArtifactCorruptedException;
import io.octoagent.gateway.artifact.ArtifactNotFoundException;
import io.octoagent.gateway.store.StoreUnavailableException;
import io.octoagent.gateway.task.BacklogFullException;
import io.octoagent.gateway.task.IdempotencyConflictException;
import io.octoagent.gateway.task.TaskNotActiveException;
import io.octoagent.gateway.task.TaskNotFoundException;
import io.quarkus.logging.Log;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.stream.Collectors;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Every failure leaves the API as the JSON error shape; nothing leaks a stack trace. */
public class ApiExceptionMappers {

    @ServerExceptionMapper
    public Response api(ApiException e) {
        return error(e.status(), e.code(), e.getMessage());
    }

    @ServerExceptionMapper
    public Response taskNotFound(TaskNotFoundException e) {
        return error(404, "TASK_NOT_FOUND", e.getMessage());
    }

    @ServerExceptionMapper
    public Response artifactNotFound(ArtifactNotFoundException e) {
        return error(404, "ARTIFACT_NOT_FOUND", e.getMessage());
    }

    @ServerExceptionMapper
    public Response terminal(TaskNotActiveException e) {
        return error(409, "TASK_ALREADY_TERMINAL", e.getMessage());
    }

    @ServerExceptionMapper
    public Response idempotencyConflict(IdempotencyConflictException e) {
        return error(409, "IDEMPOTENCY_CONFLICT", e.getMessage());
    }

    @ServerExceptionMapper
    public Response corrupted(ArtifactCorruptedException e) {
        Log.error(e.getMessage());
        return error(500, "ARTIFACT_CORRUPTED", e.getMessage());
    }

    @ServerExceptionMapper
    public Response backlogFull(BacklogFullException e) {
        return Response.fromResponse(error(429, "BACKLOG_FULL", e.getMessage()))
                .header("Retry-After", e.retryAfterSeconds())
                .build();
    }

    @ServerExceptionMapper
    public Response storeUnavailable(StoreUnavailableException e) {
        Log.warnf("Store unavailable: %s", e.getMessage());
        return error(503, "STORE_UNAVAILABLE", "the task store is not available; retry later");
    }

    /**
     * Jackson failures: broken syntax anywhere is 400 INVALID_JSON; well-formed JSON whose value
     * has the wrong shape for a field (an object where text is expected…) is 422 naming it.
     * MismatchedInputException gets its own method because Quarkus maps that type itself.
     */
    @ServerExceptionMapper
    public Response mismatchedInput(MismatchedInputException e) {
        return json(e);
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof JsonParseException) {
                return error(400, "INVALID_JSON", "the body is not valid JSON");
            }
        }
        String field = e instanceof JsonMappingException ? fieldPath((JsonMappingException) e) : "";
        if (field.isEmpty()) {
            return error(400, "INVALID_JSON", "the body must be a JSON object");
        }
        return error(422, "VALIDATION_ERROR", field + ": has the wrong type");
    }

    private static String fieldPath(JsonMappingException e) {
        return e.getPath().stream()
                .map(reference -> reference.getFieldName() != null ? reference.getFieldName()
                        : "[" + reference.getIndex() + "]")
                .collect(Collectors.joining("."));
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        if (e.getCause() instanceof JsonProcessingException) {
            return json((JsonProcessingException) e.getCause());
        }
        Response.Status known = Response.Status.fromStatusCode(status);
        String code = known == null ? "HTTP_" + status : known.name();
        String message = known == null ? "request failed" : known.getReasonPhrase();
        return error(status, code, message);
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        Log.error("Unexpected failure while serving a request", e);
        return error(500, "INTERNAL_ERROR", "internal error; the service log has the details under this request_id");
    }

    static Response error(int status, String code, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(ApiError.of(code, message)).build();
    }
}
