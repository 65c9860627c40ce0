package io.octoagent.gateway.provider;

/**
 * The proxy answered with an HTTP error. Its kind is told from the status and LiteLLM's error
 * {@code type}: {@code unauthorized} (401/403, and LiteLLM's 400 {@code no_db_connection} for an
 * unknown key on a proxy without a database), {@code rate_limited} (429),
 * {@code budget_exceeded} (LiteLLM's 400 {@code budget_exceeded}), {@code bad_request} (any
 * other 4xx, e.g. an unknown model group) or {@code proxy_error} (5xx). The message keeps the
 * proxy's own type and text.
 */
public class ProxyHttpException extends ProviderException {

    private final int status;
    private final Long retryAfterSeconds;

    public ProxyHttpException(int status, String proxyType, String proxyMessage, Long retryAfterSeconds) {
        super(kindOf(status, proxyType), kindOf(status, proxyType) + ": proxy error " + status
                + (proxyType == null || proxyType.isBlank() || proxyType.equals("None") ? "" : " (" + proxyType + ")")
                + ": " + proxyMessage, status == 429 || status >= 500, null);
        this.status = status;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public int status() {
        return status;
    }

    /** The proxy's {@code Retry-After} in seconds, when it sent one. */
    public Long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** Retrying cannot help (the key, the request or the budget is wrong): no retry, no breaker count. */
    public boolean isPermanent() {
        return !kind().equals("rate_limited") && !kind().equals("proxy_error");
    }

    static String kindOf(int status, String proxyType) {
        String type = proxyType == null ? "" : proxyType;
        if (status == 401 || status == 403 || type.equals("no_db_connection") || type.equals("auth_error")) {
            return "unauthorized";
        }
        if (status == 429) {
            return "rate_limited";
        }
        if (type.equals("budget_exceeded")) {
            return "budget_exceeded";
        }
        if (status >= 400 && status < 500) {
            return "bad_request";
        }
        return "proxy_error";
    }
}
