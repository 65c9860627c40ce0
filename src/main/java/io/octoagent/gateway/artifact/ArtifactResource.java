package io.octoagent.gateway.artifact;

import io.octoagent.gateway.common.Ulid;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;

@Path("/api/artifacts")
public class ArtifactResource {

    private final ArtifactStore artifacts;

    public ArtifactResource(ArtifactStore artifacts) {
        this.artifacts = artifacts;
    }

    /** The artifact's bytes with its MIME type, after the SHA-256 check. */
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
