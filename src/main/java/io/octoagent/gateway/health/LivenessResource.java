package io.octoagent.gateway.health;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code GET /health}: the process answers. Deliberately checks nothing else. */
@Path("/health")
@Tag(name = "Health")
public class LivenessResource {

    private static final Map<String, String> OK = Map.of("status", "ok");

    @Operation(summary = "Liveness: the process answers")
    @APIResponse(responseCode = "200", description = "{\"status\": \"ok\"}")
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, String> health() {
        return OK;
    }
}
