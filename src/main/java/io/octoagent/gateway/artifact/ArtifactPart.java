package io.octoagent.gateway.artifact;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** One part of an artifact: inline {@code content}, or a {@code uri} for content kept in a file. */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ArtifactPart(String type, String mime, String content, String uri) {
}
