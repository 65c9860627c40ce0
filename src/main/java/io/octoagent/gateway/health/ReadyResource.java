package io.octoagent.gateway.health;

import io.octoagent.gateway.task.TaskDispatcher;
import io.octoagent.gateway.web.ApiException;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code GET /ready?profile=core|llm|full}: the same checks as the SmallRye endpoints, as one
 * JSON document. {@code core} never contacts the proxy; {@code llm} and {@code full} add it (in
 * echo mode it is skipped); {@code full} also requires that the service is still accepting work.
 */
@Path("/ready")
@Tag(name = "Health", description = "Liveness and readiness")
public class ReadyResource {

    private final ReadinessProbe probe;
    private final TaskDispatcher dispatcher;

    public ReadyResource(ReadinessProbe probe, TaskDispatcher dispatcher) {
        this.probe = probe;
        this.dispatcher = dispatcher;
    }

    @RegisterForReflection
    public record Readiness(String status, String profile, Map<String, Object> checks, Work work) {
    }

    /** The work queue as it stands: informative, not a check (a long backlog is answered by 429s). */
    @RegisterForReflection
    public record Work(int inflight, int maxConcurrency, int backlog, int maxBacklog) {
    }

    @Operation(summary = "Readiness by profile: core (never the proxy), llm (the proxy too), full (and still accepting)")
    @APIResponse(responseCode = "200", description = "Ready", content = @Content(schema = @Schema(implementation = Readiness.class)))
    @APIResponse(responseCode = "503", description = "Not ready", content = @Content(schema = @Schema(implementation = Readiness.class)))
    @APIResponse(responseCode = "422", ref = "#/components/responses/Unprocessable")
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Response> ready(@QueryParam("profile") String requested) {
        String profile = requested == null || requested.isEmpty() ? "core" : requested;
        if (!profile.equals("core") && !profile.equals("llm") && !profile.equals("full")) {
            throw ApiException.validation("profile", "must be one of core, llm, full");
        }
        Uni<ReadinessProbe.Check> proxy = profile.equals("core")
                ? Uni.createFrom().item(new ReadinessProbe.Check(true, "skipped"))
                : probe.litellmProxy();
        return Uni.combine().all().unis(probe.store(), probe.artifactsDir(), probe.diskSpace(), proxy)
                .with((store, artifactsDir, disk, litellm) -> {
                    Map<String, Object> checks = new LinkedHashMap<>();
                    checks.put(probe.storeEngine(), store.value());
                    checks.put("artifacts_dir", artifactsDir.value());
                    checks.put("disk_space_mb", disk.value());
                    checks.put("litellm_proxy", litellm.value());
                    boolean ready = store.up() && artifactsDir.up() && disk.up() && litellm.up()
                            && (!profile.equals("full") || probe.accepting().up());
                    return Response.status(ready ? 200 : 503)
                            .entity(new Readiness(ready ? "ready" : "not_ready", profile, checks, new Work(
                                    dispatcher.inflight(), dispatcher.maxConcurrency(), dispatcher.backlog(),
                                    dispatcher.maxBacklog())))
                            .build();
                });
    }
}
