package io.octoagent.gateway.event;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.quarkus.runtime.annotations.RegisterForReflection;

@RegisterForReflection
public record ModelCallFailedPayload(
        String modelAlias,
        String modelName,
        String provider,
        String errorType,
        String errorMessage,
        long durationMs,
        @JsonProperty("is_fallback") boolean isFallback,
        @JsonInclude(JsonInclude.Include.NON_NULL) Long timeoutS) {
}
