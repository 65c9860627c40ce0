package io.octoagent.gateway.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Reads model-call payloads written before the cost fields existed: missing fields get their
 * defaults ({@code ""}, {@code 0.0}, {@code false}) and {@code token_usage} keyed
 * {@code prompt/completion/total} is served under the current names. Stored rows are never
 * rewritten; this runs on every read.
 */
@ApplicationScoped
public class LegacyPayloads {

    public ObjectNode upgrade(EventType type, ObjectNode payload) {
        if (type == EventType.MODEL_CALL_COMPLETED) {
            defaults(payload);
            payload.put("cost_usd", payload.path("cost_usd").asDouble(0.0));
            putIfMissing(payload, "cost_unavailable", false);
            putIfMissing(payload, "fallback_reason", "");
            upgradeTokenUsage(payload);
        } else if (type == EventType.MODEL_CALL_FAILED) {
            defaults(payload);
        }
        return payload;
    }

    private static void defaults(ObjectNode payload) {
        putIfMissing(payload, "model_name", "");
        putIfMissing(payload, "provider", "");
        putIfMissing(payload, "is_fallback", false);
    }

    private static void upgradeTokenUsage(ObjectNode payload) {
        JsonNode usage = payload.path("token_usage");
        ObjectNode upgraded = payload.objectNode();
        long prompt = usage.path("prompt_tokens").asLong(usage.path("prompt").asLong(0));
        long completion = usage.path("completion_tokens").asLong(usage.path("completion").asLong(0));
        long total = usage.path("total_tokens").asLong(usage.path("total").asLong(prompt + completion));
        upgraded.put("prompt_tokens", prompt);
        upgraded.put("completion_tokens", completion);
        upgraded.put("total_tokens", total);
        payload.set("token_usage", upgraded);
    }

    private static void putIfMissing(ObjectNode payload, String field, String value) {
        if (!payload.hasNonNull(field)) {
            payload.put(field, value);
        }
    }

    private static void putIfMissing(ObjectNode payload, String field, boolean value) {
        if (!payload.hasNonNull(field)) {
            payload.put(field, value);
        }
    }
}
