package io.octoagent.gateway.web;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** The one error shape of the API: {@code {"error": {"code": "...", "message": "..."}}}. */
@RegisterForReflection
public record ApiError(Body error) {

    @RegisterForReflection
    public record Body(String code, String message) {
    }

    public static ApiError of(String code, String message) {
        return new ApiError(new Body(code, message));
    }
}
