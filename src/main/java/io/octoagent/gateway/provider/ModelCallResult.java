package io.octoagent.gateway.provider;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The outcome of one model call. The invariants of a completed call are checked here, so a
 * result that exists is a result that may be recorded.
 */
@RegisterForReflection
public record ModelCallResult(
        String content,
        String modelAlias,
        String modelName,
        String provider,
        long durationMs,
        TokenUsage tokenUsage,
        double costUsd,
        boolean costUnavailable,
        CostSource costSource,
        @JsonProperty("is_fallback") boolean isFallback,
        String fallbackReason,
        String fallbackKind,
        ProxyRoute route) {

    public ModelCallResult {
        content = content == null ? "" : content;
        modelName = modelName == null ? "" : modelName;
        provider = provider == null ? "" : provider;
        fallbackReason = fallbackReason == null ? "" : fallbackReason;
        fallbackKind = fallbackKind == null ? "" : fallbackKind;
        tokenUsage = tokenUsage == null ? TokenUsage.NONE : tokenUsage;
        if (modelAlias == null || modelAlias.isBlank()) {
            throw new IllegalArgumentException("model_alias is required");
        }
        if (!(costUsd >= 0) || Double.isInfinite(costUsd)) {
            throw new IllegalArgumentException("cost_usd must be a finite number >= 0, was " + costUsd);
        }
        if (costUnavailable && costUsd != 0.0) {
            throw new IllegalArgumentException("cost_unavailable requires cost_usd = 0");
        }
        if (costSource == null) {
            throw new IllegalArgumentException("cost_source is required");
        }
        if (costUnavailable != (costSource == CostSource.UNAVAILABLE)) {
            throw new IllegalArgumentException("cost_unavailable must match cost_source " + costSource.wire());
        }
        if (isFallback && fallbackReason.isBlank()) {
            throw new IllegalArgumentException("a fallback result needs a fallback_reason");
        }
        if (durationMs < 0) {
            throw new IllegalArgumentException("duration_ms must be >= 0");
        }
    }

    /** The same result, marked as served by the fallback path because of a failure of {@code kind}. */
    public ModelCallResult asFallback(String kind, String reason) {
        return new ModelCallResult(content, modelAlias, modelName, provider, durationMs, tokenUsage, costUsd,
                costUnavailable, costSource, true, reason, kind, route);
    }

    /** The same result, with the requested group on its route (an answer the proxy did not give). */
    public ModelCallResult requestedFrom(String runtimeGroup) {
        return new ModelCallResult(content, modelAlias, modelName, provider, durationMs, tokenUsage, costUsd,
                costUnavailable, costSource, isFallback, fallbackReason, fallbackKind,
                route == null ? ProxyRoute.notServed(runtimeGroup) : route);
    }

    public ModelCallResult withDuration(long millis) {
        return new ModelCallResult(content, modelAlias, modelName, provider, millis, tokenUsage, costUsd,
                costUnavailable, costSource, isFallback, fallbackReason, fallbackKind, route);
    }
}
