package io.octoagent.gateway.provider;

import jakarta.ws.rs.core.Response;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * What the proxy answered: status, headers (case-insensitive) and the body as text. The client
 * only ever looks at {@link #redacted} replies: a proxy may echo the key anywhere.
 */
record ProxyReply(int status, Map<String, String> headers, String body) {

    static ProxyReply of(Response response) {
        try (response) {
            Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            response.getStringHeaders().forEach((name, values) -> {
                if (!values.isEmpty()) {
                    headers.put(name.toLowerCase(Locale.ROOT), values.get(0));
                }
            });
            String body = response.hasEntity() ? response.readEntity(String.class) : "";
            return new ProxyReply(response.getStatus(), headers, body);
        }
    }

    /** The same reply with {@code redact} applied to the body and every header value. */
    ProxyReply redacted(UnaryOperator<String> redact) {
        Map<String, String> clean = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((name, value) -> clean.put(name, redact.apply(value)));
        return new ProxyReply(status, clean, redact.apply(body));
    }

    String header(String name) {
        return headers.get(name);
    }
}
