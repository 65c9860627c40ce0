package io.octoagent.gateway.provider;

import jakarta.ws.rs.core.Response;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** What the proxy answered: status, headers (case-insensitive) and the body as text. */
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

    String header(String name) {
        return headers.get(name);
    }
}
