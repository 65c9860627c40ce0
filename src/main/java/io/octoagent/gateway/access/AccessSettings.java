package io.octoagent.gateway.access;

import io.octoagent.gateway.config.GatewayConfig;
import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The API tokens ({@code OCTOAGENT_API_TOKENS=name:owner:role:sha256hex,…} and/or a JSON or YAML
 * list in the file {@code OCTOAGENT_API_TOKENS_FILE}), checked at startup. Without any token the
 * service only listens on the loopback interface: binding elsewhere without tokens needs an
 * explicit {@code OCTOAGENT_ALLOW_ANONYMOUS=true}.
 */
@Startup
@ApplicationScoped
public class AccessSettings {

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern OWNER = Pattern.compile("[A-Za-z0-9_.@:-]{1,128}");
    private static final Set<String> ROLES = Set.of(ApiToken.OWNER, ApiToken.ADMIN);

    private final GatewayConfig config;
    private final String httpHost;
    private List<ApiToken> tokens = List.of();

    public AccessSettings(GatewayConfig config, @ConfigProperty(name = "quarkus.http.host") String httpHost) {
        this.config = config;
        this.httpHost = httpHost;
    }

    @PostConstruct
    void validate() {
        List<ApiToken> all = new ArrayList<>();
        config.apiTokens().filter(value -> !value.isBlank()).ifPresent(value -> all.addAll(parseList(value)));
        config.apiTokensFile().filter(value -> !value.isBlank()).ifPresent(file -> all.addAll(readFile(file)));
        Set<String> names = new HashSet<>();
        for (ApiToken token : all) {
            check(token);
            if (!names.add(token.name())) {
                throw new IllegalArgumentException("API token name '" + token.name() + "' is configured twice");
            }
        }
        tokens = List.copyOf(all);
        String allow = config.allowAnonymous().trim().toLowerCase(Locale.ROOT);
        if (!allow.equals("true") && !allow.equals("false")) {
            throw new IllegalArgumentException("OCTOAGENT_ALLOW_ANONYMOUS='" + config.allowAnonymous()
                    + "' is not valid; accepted values: true, false");
        }
        if (!Set.of("permit", "authenticated").contains(config.metricsAccess())) {
            throw new IllegalArgumentException("OCTOAGENT_METRICS_ACCESS='" + config.metricsAccess()
                    + "' is not valid; accepted values: permit, authenticated");
        }
        boolean allowAnonymous = allow.equals("true");
        if (tokens.isEmpty()) {
            if (!isLoopback(httpHost) && !allowAnonymous) {
                throw new IllegalArgumentException("no API token is configured (OCTOAGENT_API_TOKENS or "
                        + "OCTOAGENT_API_TOKENS_FILE) and the service would listen on " + httpHost + ": anyone who can "
                        + "reach it could read and cancel every task. Configure tokens, listen on 127.0.0.1 "
                        + "(QUARKUS_HTTP_HOST), or set OCTOAGENT_ALLOW_ANONYMOUS=true to accept that");
            }
            Log.warnf("No API token configured: the API is open to anyone who can reach %s%s; set "
                    + "OCTOAGENT_API_TOKENS to require tokens", httpHost,
                    isLoopback(httpHost) ? " (this machine only)" : " (OCTOAGENT_ALLOW_ANONYMOUS=true)");
        } else {
            Log.infof("%d API token(s) configured; /api requires one", tokens.size());
        }
    }

    public List<ApiToken> tokens() {
        return tokens;
    }

    /** No token configured: every caller acts as an admin (loopback, or explicitly allowed). */
    public boolean anonymous() {
        return tokens.isEmpty();
    }

    static List<ApiToken> parseList(String value) {
        List<ApiToken> tokens = new ArrayList<>();
        for (String entry : value.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            String[] fields = entry.trim().split(":");
            if (fields.length != 4) {
                throw new IllegalArgumentException("OCTOAGENT_API_TOKENS entry '" + fields[0] + ":…' is not valid; "
                        + "accepted values: name:owner:role:sha256hex entries separated by commas");
            }
            tokens.add(new ApiToken(fields[0], fields[1], fields[2], fields[3].toLowerCase(Locale.ROOT)));
        }
        return tokens;
    }

    private static List<ApiToken> readFile(String file) {
        try {
            // YAML is a superset of JSON: one parser reads both forms.
            Object list = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(Path.of(file)));
            if (!(list instanceof List)) {
                throw new IllegalArgumentException("the file does not hold a list");
            }
            List<ApiToken> tokens = new ArrayList<>();
            for (Object item : (List<?>) list) {
                if (!(item instanceof Map)) {
                    throw new IllegalArgumentException("an entry is not an object");
                }
                Map<?, ?> entry = (Map<?, ?>) item;
                tokens.add(new ApiToken(text(entry.get("name")), text(entry.get("owner")), text(entry.get("role")),
                        text(entry.get("sha256")).toLowerCase(Locale.ROOT)));
            }
            return tokens;
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("OCTOAGENT_API_TOKENS_FILE='" + file + "' cannot be used: "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + "; expected a JSON or YAML list of "
                    + "{name, owner, role, sha256}", e);
        }
    }

    private static String text(Object value) {
        return value == null ? "" : String.valueOf(value);
    }

    private static void check(ApiToken token) {
        String name = token.name() == null ? "" : token.name();
        if (name.isBlank() || token.owner() == null || !OWNER.matcher(token.owner()).matches()) {
            throw new IllegalArgumentException("API token '" + name + "': owner must be 1 to 128 letters, digits or "
                    + "_ . @ : -");
        }
        if (!ROLES.contains(token.role())) {
            throw new IllegalArgumentException("API token '" + name + "': role must be owner or admin");
        }
        if (token.sha256() == null || !SHA256.matcher(token.sha256()).matches()) {
            throw new IllegalArgumentException("API token '" + name + "': sha256 must be 64 hex digits (the SHA-256 of "
                    + "the token, e.g. printf %s \"$TOKEN\" | sha256sum)");
        }
    }

    private static boolean isLoopback(String host) {
        if (host == null || host.isBlank() || host.equals("localhost")) {
            return true;
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (IOException e) {
            return false;
        }
    }
}
