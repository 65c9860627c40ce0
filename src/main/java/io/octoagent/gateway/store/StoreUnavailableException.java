package io.octoagent.gateway.store;

/** The store is closed (shutting down) or its file cannot be used. */
public class StoreUnavailableException extends RuntimeException {
    public StoreUnavailableException(String message) {
        super(message);
    }

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
