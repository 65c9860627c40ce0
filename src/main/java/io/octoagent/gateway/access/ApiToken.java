package io.octoagent.gateway.access;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One API token as configured: a name (for logs and audits; never the token), the owner whose
 * tasks it acts for, its role ({@code owner} or {@code admin}) and the SHA-256 of the token
 * (the token itself is never stored).
 */
@RegisterForReflection
public record ApiToken(String name, String owner, String role, String sha256) {

    public static final String OWNER = "owner";
    public static final String ADMIN = "admin";
}
