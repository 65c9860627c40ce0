package io.octoagent.gateway.event;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.octoagent.gateway.provider.TokenUsage;
import io.quarkus.runtime.annotations.RegisterForReflection;

@RegisterForReflection
public record ModelCallCompletedPayload(
        String modelAlias,
        String modelName,
        String provider,
        String responseSummary,
        boolean responseTruncated,
        long durationMs,
        TokenUsage tokenUsage,
        double costUsd,
        boolean costUnavailable,
        String costSource,
        @JsonProperty("is_fallback") boolean isFallback,
        String fallbackReason,
        String artifactRef,
        String requestedGroup,
        String servedGroup,
        boolean proxyFallback,
        int proxyRetries,
        String proxyCallId) {
}
