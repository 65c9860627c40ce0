package io.octoagent.gateway.provider;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What the proxy says it did for a call (its {@code x-litellm-*} headers): the group that served,
 * its own fallbacks and retries, and its call id, so a task can be matched to the proxy's logs.
 */
@RegisterForReflection
public record ProxyRoute(String requestedGroup, String servedGroup, int attemptedFallbacks, int attemptedRetries,
                         String callId) {

    static final String GROUP_HEADER = "x-litellm-model-group";
    static final String FALLBACKS_HEADER = "x-litellm-attempted-fallbacks";
    static final String RETRIES_HEADER = "x-litellm-attempted-retries";
    static final String CALL_ID_HEADER = "x-litellm-call-id";

    public ProxyRoute {
        requestedGroup = requestedGroup == null ? "" : requestedGroup;
        servedGroup = servedGroup == null ? "" : servedGroup;
        callId = callId == null ? "" : callId;
    }

    /** A call the proxy did not serve (echo): only the group that was asked for. */
    public static ProxyRoute notServed(String requestedGroup) {
        return new ProxyRoute(requestedGroup, "", 0, 0, "");
    }

    static ProxyRoute of(String requestedGroup, ProxyReply reply) {
        String served = reply.header(GROUP_HEADER);
        return new ProxyRoute(requestedGroup, served == null || served.isBlank() ? requestedGroup : served,
                count(reply.header(FALLBACKS_HEADER)), count(reply.header(RETRIES_HEADER)), reply.header(CALL_ID_HEADER));
    }

    /** The proxy answered from another group than the one asked for (its own fallback). */
    public boolean proxyFallback() {
        return attemptedFallbacks > 0 || !servedGroup.isEmpty() && !servedGroup.equals(requestedGroup);
    }

    private static int count(String header) {
        try {
            return header == null ? 0 : Math.max(0, Integer.parseInt(header.trim()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
