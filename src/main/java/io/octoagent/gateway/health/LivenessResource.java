package io.octoagent.gateway.health;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;

/** {@code GET /health}: the process answers. Deliberately checks nothing else. */
@Path("/health")
public class LivenessResource {

    private static final Map<String, String> OK = Map.of("status", "ok");

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, String> health() {
        return OK;
    }
}
