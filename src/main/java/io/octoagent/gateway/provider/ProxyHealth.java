package io.octoagent.gateway.provider;

/** Result of the proxy health probe: {@code ok}, {@code unreachable} or {@code error: …}. */
public record ProxyHealth(boolean up, String status) {

    public static final ProxyHealth OK = new ProxyHealth(true, "ok");
    public static final ProxyHealth UNREACHABLE = new ProxyHealth(false, "unreachable");
    public static final ProxyHealth SKIPPED = new ProxyHealth(true, "skipped");

    public static ProxyHealth error(String detail) {
        return new ProxyHealth(false, "error: " + detail);
    }
}
