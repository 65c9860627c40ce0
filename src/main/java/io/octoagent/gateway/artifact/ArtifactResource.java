package io.octoagent.gateway.artifact;

import io.octoagent.gateway.common.Ulid;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/artifacts")
@Tag(name = "Tasks")
public class ArtifactResource {

    private final ArtifactStore artifacts;

    public ArtifactResource(ArtifactStore artifacts) {
        this.artifacts = artifacts;
    }

    /** The artifact's bytes with its MIME type, after the SHA-256 check. */
    @Operation(summary = "An artifact's bytes, with its MIME type, verified against its SHA-256 (X-Content-SHA256)")
    @APIResponse(responseCode = "200", description = "The content")
    @APIResponse(responseCode = "401", ref = "#/components/responses/Unauthorized")
    @APIResponse(responseCode = "404", ref = "#/components/responses/NotFound")
    @APIResponse(responseCode = "500", ref = "#/components/responses/Corrupted")
    @GET
    @Path("/{artifact_id}/content")
    public Uni<Response> content(@PathParam("artifact_id") String artifactId) {
        if (!Ulid.isValid(artifactId)) {
            // A ULID cannot contain '/' or '..', so a valid id can never leave the data directory.
            throw new ArtifactNotFoundException(artifactId.length() > 64 ? "(invalid id)" : artifactId);
        }
        return artifacts.content(artifactId)
                .map(content -> Response.ok(content.bytes(), content.mime())
                        .header("X-Content-SHA256", content.hash())
                        .build());
    }
}
