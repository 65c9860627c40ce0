package io.octoagent.gateway.provider;

/**
 * The caller gave up on the call (its task was cancelled or the service is stopping): the proxy
 * connection is closed, and neither the fallback nor the circuit breaker treats it as a failure.
 */
public class CallCancelledException extends ProviderException {
    public CallCancelledException() {
        super("cancelled", "the call was cancelled by its caller", false, null);
    }
}
