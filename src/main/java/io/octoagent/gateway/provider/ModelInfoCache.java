package io.octoagent.gateway.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The proxy's deployments by {@code x-litellm-model-id}, from {@code GET /model/info}. Fetched
 * on the first miss and again on later misses (at most once per {@link #MIN_REFRESH}), so a
 * deployment added to the proxy is found without a restart and a flood of misses makes one
 * request, not many.
 */
final class ModelInfoCache {

    static final Duration MIN_REFRESH = Duration.ofSeconds(5);
    private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(5);

    private final ObjectMapper mapper;
    private final Supplier<Uni<ProxyReply>> fetch;
    private volatile Map<String, Deployment> byId = Map.of();
    private volatile long refreshedAtNanos;
    private volatile boolean everRefreshed;
    private Uni<Map<String, Deployment>> refreshing;

    ModelInfoCache(ObjectMapper mapper, Supplier<Uni<ProxyReply>> fetch) {
        this.mapper = mapper;
        this.fetch = fetch;
    }

    /** The deployment with this id, refreshing the cache on a miss; empty when unknown or unreachable. */
    Uni<Optional<Deployment>> lookup(String modelId) {
        if (modelId == null || modelId.isBlank()) {
            return Uni.createFrom().item(Optional.empty());
        }
        Deployment cached = byId.get(modelId);
        if (cached != null || !mayRefresh()) {
            return Uni.createFrom().item(Optional.ofNullable(cached));
        }
        return refresh().map(deployments -> Optional.ofNullable(deployments.get(modelId)));
    }

    /** Every deployment the proxy lists, refreshed when the last read is older than {@link #MIN_REFRESH}. */
    Uni<Collection<Deployment>> all() {
        if (!mayRefresh()) {
            return Uni.createFrom().item(byId.values());
        }
        return refresh().map(Map::values);
    }

    private boolean mayRefresh() {
        return !everRefreshed || System.nanoTime() - refreshedAtNanos > MIN_REFRESH.toNanos();
    }

    private synchronized Uni<Map<String, Deployment>> refresh() {
        if (refreshing == null) {
            refreshing = Uni.createFrom().deferred(fetch::get)
                    .ifNoItem().after(FETCH_TIMEOUT).fail()
                    .map(this::parse)
                    .invoke(deployments -> byId = deployments)
                    .onFailure().invoke(e -> Log.warnf("Could not read the proxy's /model/info: %s", e.getMessage()))
                    .onFailure().recoverWithItem(() -> byId)
                    .onTermination().invoke(this::refreshDone)
                    .memoize().indefinitely();
        }
        return refreshing;
    }

    private synchronized void refreshDone() {
        refreshedAtNanos = System.nanoTime();
        everRefreshed = true;
        refreshing = null;
    }

    private Map<String, Deployment> parse(ProxyReply reply) {
        if (reply.status() != 200) {
            throw new IllegalStateException("status " + reply.status());
        }
        JsonNode data;
        try {
            data = mapper.readTree(reply.body()).path("data");
        } catch (Exception e) {
            throw new IllegalStateException("body is not JSON");
        }
        Map<String, Deployment> deployments = new HashMap<>();
        for (JsonNode entry : data) {
            JsonNode info = entry.path("model_info");
            String id = info.path("id").asText("");
            if (id.isEmpty()) {
                continue;
            }
            JsonNode params = entry.path("litellm_params");
            String model = params.path("model").asText("");
            String provider = info.path("litellm_provider").asText(ModelNames.providerPrefix(model));
            Double input = number(info.get("input_cost_per_token"));
            Double output = number(info.get("output_cost_per_token"));
            boolean declared = number(params.get("input_cost_per_token")) != null
                    || number(params.get("output_cost_per_token")) != null;
            if (!declared && isZero(input) && isZero(output)) {
                // LiteLLM lists 0/0 for a model it cannot price (its litellm_params then hold no
                // prices): unknown, not free. Only prices the deployment declares may be zero.
                input = null;
                output = null;
            }
            deployments.put(id, new Deployment(id, entry.path("model_name").asText(""), model, provider, input,
                    output));
        }
        return Map.copyOf(deployments);
    }

    private static boolean isZero(Double price) {
        return price != null && price == 0.0;
    }

    private static Double number(JsonNode node) {
        return node != null && node.isNumber() && node.asDouble() >= 0 ? node.asDouble() : null;
    }
}
