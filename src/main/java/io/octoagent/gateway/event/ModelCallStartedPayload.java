package io.octoagent.gateway.event;

import io.quarkus.runtime.annotations.RegisterForReflection;

@RegisterForReflection
public record ModelCallStartedPayload(String modelAlias, String runtimeGroup, String requestSummary, String artifactRef) {
}
