package io.octoagent.gateway.provider;

/**
 * A model call that produced no answer, not even from the fallback. Carries what
 * MODEL_CALL_FAILED records.
 */
public class ModelCallException extends RuntimeException {

    private final String modelAlias;
    private final String modelName;
    private final String provider;
    private final String errorType;
    private final long durationMs;
    private final boolean fallback;
    private final Long timeoutS;

    public ModelCallException(String modelAlias, String modelName, String provider, String errorType, String message,
                              long durationMs, boolean fallback, Long timeoutS, Throwable cause) {
        super(message, cause);
        this.modelAlias = modelAlias;
        this.modelName = modelName == null ? "" : modelName;
        this.provider = provider == null ? "" : provider;
        this.errorType = errorType;
        this.durationMs = durationMs;
        this.fallback = fallback;
        this.timeoutS = timeoutS;
    }

    public String modelAlias() {
        return modelAlias;
    }

    public String modelName() {
        return modelName;
    }

    public String provider() {
        return provider;
    }

    public String errorType() {
        return errorType;
    }

    public long durationMs() {
        return durationMs;
    }

    public boolean isFallback() {
        return fallback;
    }

    /** The configured timeout when the call timed out, else null. */
    public Long timeoutS() {
        return timeoutS;
    }
}
