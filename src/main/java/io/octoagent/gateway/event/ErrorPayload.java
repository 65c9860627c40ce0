package io.octoagent.gateway.event;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** {@code error_type} is one of model, tool, system, business. */
@RegisterForReflection
public record ErrorPayload(String errorType, String errorMessage, boolean recoverable, String recoveryHint) {
}
