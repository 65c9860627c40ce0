package io.octoagent.gateway.provider;

/** The proxy could not be reached at all (refused connection, unknown host, reset). */
public class ProxyUnreachableException extends ProviderException {

    private final String proxyUrl;

    /** {@code proxyUrl} and {@code detail} are printable: no user-info, no key. */
    public ProxyUnreachableException(String proxyUrl, String detail, Throwable cause) {
        super("unreachable", "proxy unreachable: " + proxyUrl + ": " + detail, true, cause);
        this.proxyUrl = proxyUrl;
    }

    public String proxyUrl() {
        return proxyUrl;
    }
}
