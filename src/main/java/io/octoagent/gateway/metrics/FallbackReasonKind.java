package io.octoagent.gateway.metrics;

/** Folds a free-text fallback reason into a small fixed set of tag values. */
final class FallbackReasonKind {

    private FallbackReasonKind() {
    }

    static String of(String reason) {
        if (reason == null) {
            return "other";
        }
        if (reason.startsWith("proxy unreachable")) {
            return "unreachable";
        }
        if (reason.startsWith("timeout")) {
            return "timeout";
        }
        if (reason.contains("circuit open")) {
            return "circuit_open";
        }
        if (reason.startsWith("proxy error")) {
            return "proxy_error";
        }
        if (reason.startsWith("malformed")) {
            return "malformed_response";
        }
        return "other";
    }
}
