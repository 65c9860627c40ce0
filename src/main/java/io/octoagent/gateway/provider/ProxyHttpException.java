package io.octoagent.gateway.provider;

/** The proxy answered with an HTTP error (its own error body's message included). */
public class ProxyHttpException extends ProviderException {

    private final int status;

    public ProxyHttpException(int status, String proxyMessage) {
        super("proxy_error", "proxy error " + status + ": " + proxyMessage, status == 429 || status >= 500, null);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
