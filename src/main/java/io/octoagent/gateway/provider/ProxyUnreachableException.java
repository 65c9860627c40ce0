package io.octoagent.gateway.provider;

/** The proxy could not be reached at all (refused connection, unknown host, reset). */
public class ProxyUnreachableException extends ProviderException {

    private final String proxyUrl;

    public ProxyUnreachableException(String proxyUrl, Throwable cause) {
        super("unreachable", "proxy unreachable: " + proxyUrl + ": " + describe(cause), true, cause);
        this.proxyUrl = proxyUrl;
    }

    public String proxyUrl() {
        return proxyUrl;
    }

    private static String describe(Throwable cause) {
        String message = cause.getMessage();
        return message == null || message.isBlank() ? cause.getClass().getSimpleName() : message;
    }
}
