package io.octoagent.gateway.provider;

import io.octoagent.gateway.config.GatewayConfig;
import io.octoagent.gateway.config.ServiceSettings;
import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
    private double temperature;
    private Duration breakerDelay;
    private int maxTokens;
    private Map<String, Integer> aliasMaxTokens = Map.of();
    private Map<String, List<String>> proxyFallbacks = Map.of();
    /** Secrets that came with the settings; {@link #redact} removes each from any text. */
    private List<String> secrets = List.of();

    public ProviderSettings(GatewayConfig config) {
        this.config = config;
    }

    @PostConstruct
    void validate() {
        GatewayConfig.Llm llm = config.llm();
        mode = parseEnum(Mode.class, llm.mode(), "OCTOAGENT_LLM_MODE", "litellm, echo");
        fallback = parseEnum(FallbackPolicy.class, llm.fallback(), "OCTOAGENT_LLM_FALLBACK", "echo, none");
        timeoutSeconds = parseTimeout(llm.timeoutS());
        temperature = ServiceSettings.decimal("OCTOAGENT_LLM_TEMPERATURE", llm.temperature(), 0, 2);
        breakerDelay = ServiceSettings.duration("OCTOAGENT_LLM_BREAKER_DELAY", llm.breakerDelay(), Duration.ofMillis(100));
        maxTokens = (int) ServiceSettings.whole("OCTOAGENT_LLM_MAX_TOKENS", llm.maxTokens(), 1, 1_000_000);
        Map<String, Integer> perAlias = new HashMap<>();
        llm.aliases().forEach((name, alias) -> alias.maxTokens().filter(value -> !value.isBlank()).ifPresent(value ->
                perAlias.put(name, (int) ServiceSettings.whole("octoagent.llm.aliases." + name + ".max-tokens", value, 1,
                        1_000_000))));
        aliasMaxTokens = Map.copyOf(perAlias);
        proxyFallbacks = llm.proxyFallbacks().map(ProviderSettings::parseProxyFallbacks).orElse(Map.of());
        URI configured = parseUrl(llm.proxyUrl());
        proxyUrl = withoutUserInfo(configured);
        proxyKey = llm.proxyKey().map(String::trim).filter(key -> !key.isEmpty()).orElse(null);
        secrets = secretsOf(proxyKey, configured.getRawUserInfo());
        if (configured.getRawUserInfo() != null) {
            Log.warn("LITELLM_PROXY_URL carries credentials (user-info); they are neither sent nor ever printed: "
                    + "give the proxy key as LITELLM_PROXY_KEY");
        }
    }

    public Mode mode() {
        return mode;
    }

    public FallbackPolicy fallback() {
        return fallback;
    }

    /** Base URL without a trailing slash and without user-info: safe to print. */
    public URI proxyUrl() {
        return proxyUrl;
    }

    public int timeoutSeconds() {
        return timeoutSeconds;
    }


    /** How long a runtime group's open circuit breaker waits before it lets a probe call through. */
    public Duration breakerDelay() {
        return breakerDelay;
    }

    /** The {@code max_tokens} of a call for {@code alias} (its own, else {@code OCTOAGENT_LLM_MAX_TOKENS}). */
    public int maxTokens(String alias) {
        return aliasMaxTokens.getOrDefault(alias, maxTokens);
    }

    /**
     * The groups the proxy may fall back to from {@code group}, when declared in
     * {@code OCTOAGENT_LLM_PROXY_FALLBACKS}; empty when not known.
     */
    public Optional<List<String>> proxyFallbacks(String group) {
        return Optional.ofNullable(proxyFallbacks.get(group));
    }

    static Map<String, List<String>> parseProxyFallbacks(String value) {
        Map<String, List<String>> fallbacks = new HashMap<>();
        for (String entry : value.split(";")) {
            if (entry.isBlank()) {
                continue;
            }
            int equals = entry.indexOf('=');
            String group = equals < 0 ? "" : entry.substring(0, equals).trim();
            if (group.isEmpty()) {
                throw ServiceSettings.invalid("OCTOAGENT_LLM_PROXY_FALLBACKS", value,
                        "group=fallback1|fallback2 entries separated by ';' (group= for none)");
            }
            List<String> groups = new ArrayList<>();
            for (String fallback : entry.substring(equals + 1).split("\\|")) {
                if (!fallback.isBlank()) {
                    groups.add(fallback.trim());
                }
            }
            fallbacks.put(group, List.copyOf(groups));
        }
        return Map.copyOf(fallbacks);
    }

    /** Sampling temperature sent with every call ({@code OCTOAGENT_LLM_TEMPERATURE}, 0 to 2). */
    public double temperature() {
        return temperature;
    }

    /** The value of the {@code Authorization} header, when a key is configured. */
    public Optional<String> authorization() {
        return Optional.ofNullable(proxyKey).map(key -> "Bearer " + key);
    }

    /**
     * Removes the proxy key (and any credentials the proxy URL carried) from text: everything
     * that came from the proxy or from an exception passes through here before it is cut short,
     * stored, logged or shown.
     */
    public String redact(String text) {
        if (text == null) {
            return null;
        }
        String clean = text;
        for (String secret : secrets) {
            clean = clean.replace(secret, REDACTED);
        }
        return clean;
    }

    static final String REDACTED = "[redacted]";

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
        throw new IllegalArgumentException("LITELLM_PROXY_URL='" + maskUserInfo(value)
                + "' is not valid; accepted values: an http:// or https:// URL such as http://localhost:4000");
    }

    static URI withoutUserInfo(URI uri) {
        if (uri.getRawUserInfo() == null) {
            return uri;
        }
        return URI.create(uri.getScheme() + "://" + uri.getRawAuthority().substring(uri.getRawUserInfo().length() + 1)
                + (uri.getRawPath() == null ? "" : uri.getRawPath()));
    }

    /** {@code scheme://user:pass@host} → {@code scheme://[redacted]@host}, for messages about a bad value. */
    static String maskUserInfo(String value) {
        return value == null ? null : value.replaceAll("(?<=://)[^/@\\s]*@", REDACTED + "@");
    }

    private static List<String> secretsOf(String key, String rawUserInfo) {
        List<String> secrets = new ArrayList<>();
        if (key != null) {
            secrets.add(key);
        }
        if (rawUserInfo != null && !rawUserInfo.isEmpty()) {
            secrets.add(rawUserInfo);
            String decoded = URLDecoder.decode(rawUserInfo, StandardCharsets.UTF_8);
            secrets.add(decoded);
            int colon = decoded.indexOf(':');
            if (colon >= 0 && decoded.length() - colon - 1 >= 4) {
                secrets.add(decoded.substring(colon + 1)); // the password on its own
            }
        }
        // Longest first, so that a secret containing another is removed whole.
        secrets.sort((a, b) -> b.length() - a.length());
        return List.copyOf(secrets);
    }
}
