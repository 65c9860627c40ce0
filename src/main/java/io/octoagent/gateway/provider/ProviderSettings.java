package io.octoagent.gateway.provider;

import io.octoagent.gateway.config.GatewayConfig;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.util.Optional;

/**
 * The provider settings, checked once at startup: a bad value stops the service with a message
 * naming the environment variable and what it accepts. The proxy key is held here and nowhere
 * else; {@link #toString()} never shows it.
 */
@Startup
@ApplicationScoped
public class ProviderSettings {

    public enum Mode { LITELLM, ECHO }

    public enum FallbackPolicy { ECHO, NONE }

    private final GatewayConfig config;
    private Mode mode;
    private FallbackPolicy fallback;
    private URI proxyUrl;
    private int timeoutSeconds;
    private String proxyKey;

    public ProviderSettings(GatewayConfig config) {
        this.config = config;
    }

    @PostConstruct
    void validate() {
        GatewayConfig.Llm llm = config.llm();
        mode = parseEnum(Mode.class, llm.mode(), "OCTOAGENT_LLM_MODE", "litellm, echo");
        fallback = parseEnum(FallbackPolicy.class, llm.fallback(), "OCTOAGENT_LLM_FALLBACK", "echo, none");
        timeoutSeconds = parseTimeout(llm.timeoutS());
        proxyUrl = parseUrl(llm.proxyUrl());
        proxyKey = llm.proxyKey().map(String::trim).filter(key -> !key.isEmpty()).orElse(null);
    }

    public Mode mode() {
        return mode;
    }

    public FallbackPolicy fallback() {
        return fallback;
    }

    /** Base URL without a trailing slash. */
    public URI proxyUrl() {
        return proxyUrl;
    }

    public int timeoutSeconds() {
        return timeoutSeconds;
    }

    /** Most proxy calls in flight at once ({@code OCTOAGENT_LLM_MAX_CONCURRENCY}). */
    public int maxConcurrency() {
        return config.llm().maxConcurrency();
    }

    public double temperature() {
        return config.llm().temperature();
    }

    /** The value of the {@code Authorization} header, when a key is configured. */
    public Optional<String> authorization() {
        return Optional.ofNullable(proxyKey).map(key -> "Bearer " + key);
    }

    /** Removes the proxy key from text that may have come back from the proxy (error messages). */
    public String redact(String text) {
        if (text == null || proxyKey == null) {
            return text;
        }
        return text.replace(proxyKey, "[redacted]");
    }

    @Override
    public String toString() {
        return "ProviderSettings[mode=" + mode + ", fallback=" + fallback + ", proxyUrl=" + proxyUrl
                + ", timeoutSeconds=" + timeoutSeconds + ", proxyKey=" + (proxyKey == null ? "unset" : "set") + "]";
    }

    static <E extends Enum<E>> E parseEnum(Class<E> type, String value, String variable, String accepted) {
        String normalised = value == null ? "" : value.trim().toUpperCase();
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equals(normalised)) {
                return constant;
            }
        }
        throw new IllegalArgumentException(variable + "='" + value + "' is not valid; accepted values: " + accepted);
    }

    static int parseTimeout(String value) {
        try {
            int seconds = Integer.parseInt(value.trim());
            if (seconds >= 1) {
                return seconds;
            }
        } catch (NumberFormatException | NullPointerException e) {
            // reported below
        }
        throw new IllegalArgumentException("OCTOAGENT_LLM_TIMEOUT_S='" + value
                + "' is not valid; accepted values: a whole number of seconds >= 1");
    }

    static URI parseUrl(String value) {
        try {
            URI uri = URI.create(value.trim().replaceAll("/+$", ""));
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return uri;
            }
        } catch (IllegalArgumentException | NullPointerException e) {
            // reported below
        }
        throw new IllegalArgumentException("LITELLM_PROXY_URL='" + value
                + "' is not valid; accepted values: an http:// or https:// URL such as http://localhost:4000");
    }
}
