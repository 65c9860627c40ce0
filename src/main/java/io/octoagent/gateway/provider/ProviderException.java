package io.octoagent.gateway.provider;

/** A model provider failed; {@code recoverable} says whether trying again (or falling back) may help. */
public class ProviderException extends RuntimeException {

    private final boolean recoverable;
    private final String kind;

    public ProviderException(String kind, String message, boolean recoverable, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.recoverable = recoverable;
    }

    public boolean recoverable() {
        return recoverable;
    }

    /** A short machine-readable kind: proxy_error, malformed_response, unreachable, timeout, circuit_open… */
    public String kind() {
        return kind;
    }
}
