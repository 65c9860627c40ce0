package io.octoagent.gateway.access;

import io.quarkus.security.identity.SecurityIdentity;

/**
 * Who is asking: the owner a token acts for, and whether it may see everyone's tasks. Without
 * configured tokens (a laptop, loopback only) every caller is an admin and tasks keep the
 * {@code sender_id} their request names.
 */
public record Caller(String owner, boolean admin, boolean anonymous) {

    /** The service itself (and tools and tests working on the ledger directly): sees everything. */
    public static final Caller SYSTEM = new Caller(null, true, true);

    public static Caller of(SecurityIdentity identity) {
        if (identity == null || identity.isAnonymous()) {
            return new Caller(null, true, true);
        }
        Boolean anonymousMode = identity.getAttribute(BearerTokenMechanism.ANONYMOUS_MODE);
        if (Boolean.TRUE.equals(anonymousMode)) {
            return new Caller(null, true, true);
        }
        return new Caller(identity.getPrincipal().getName(), identity.hasRole(ApiToken.ADMIN), false);
    }

    /** Whether this caller may see a task submitted by {@code senderId}. */
    public boolean maySee(String senderId) {
        return admin || owner.equals(senderId);
    }

    /** The owner whose tasks a listing or a summary covers: null for everyone. */
    public String scope() {
        return admin ? null : owner;
    }
}
