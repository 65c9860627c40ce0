package io.octoagent.gateway.event;

import io.quarkus.runtime.annotations.RegisterForReflection;

@RegisterForReflection
public record ArtifactCreatedPayload(String artifactId, String name, long size, int partCount) {
}
