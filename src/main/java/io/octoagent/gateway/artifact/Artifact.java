package io.octoagent.gateway.artifact;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/** Metadata of a stored output; {@code hash} is the SHA-256 of the content, checked on every read. */
@RegisterForReflection
public record Artifact(
        String artifactId,
        String taskId,
        String ts,
        String name,
        String description,
        List<ArtifactPart> parts,
        String storageRef,
        long size,
        String hash,
        int version) {

    @JsonIgnore
    public String mime() {
        return parts.isEmpty() ? "application/octet-stream" : parts.get(0).mime();
    }

    @JsonIgnore
    public boolean isInline() {
        return storageRef == null;
    }
}
