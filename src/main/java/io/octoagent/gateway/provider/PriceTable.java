package io.octoagent.gateway.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.octoagent.gateway.config.GatewayConfig;
import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * Per-token prices in LiteLLM's {@code model_prices_and_context_window.json} format: a table
 * bundled with the service, extended or overridden entry by entry by a user file
 * ({@code OCTOAGENT_PRICING_FILE}).
 */
// Built at startup: a bad OCTOAGENT_PRICING_FILE must stop the service, not fail its first call.
@Startup
@ApplicationScoped
public class PriceTable {

    static final String BUNDLED = "/pricing/model_prices.json";

    private final Map<String, ModelPrice> prices;

    @Inject
    public PriceTable(GatewayConfig config, ObjectMapper mapper) {
        this(mapper, config.pricingFile().filter(path -> !path.isBlank()).map(Path::of).orElse(null));
    }

    PriceTable(ObjectMapper mapper, Path userFile) {
        Map<String, ModelPrice> table = new HashMap<>();
        try (InputStream bundled = PriceTable.class.getResourceAsStream(BUNDLED)) {
            if (bundled == null) {
                throw new IllegalStateException(BUNDLED + " is missing from the application");
            }
            load(mapper.readTree(bundled), table);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the bundled price table", e);
        }
        if (userFile != null) {
            try {
                int before = table.size();
                load(mapper.readTree(Files.readAllBytes(userFile)), table);
                Log.infof("Loaded prices from %s (%d new models)", userFile, table.size() - before);
            } catch (IOException | RuntimeException e) {
                throw new IllegalArgumentException("OCTOAGENT_PRICING_FILE='" + userFile + "' cannot be used: "
                        + e.getMessage() + "; expected a JSON object in LiteLLM's model_prices_and_context_window.json"
                        + " format", e);
            }
        }
        this.prices = Map.copyOf(table);
    }

    /**
     * The price of a model: by its exact name, then {@code provider/name}, then the name without
     * a provider prefix.
     */
    public Optional<ModelPrice> lookup(String modelName, String provider) {
        if (modelName == null || modelName.isBlank()) {
            return Optional.empty();
        }
        ModelPrice price = prices.get(modelName);
        if (price == null && provider != null && !provider.isBlank()) {
            price = prices.get(provider + "/" + modelName);
        }
        if (price == null) {
            price = prices.get(ModelNames.withoutProvider(modelName));
        }
        return Optional.ofNullable(price);
    }

    public int size() {
        return prices.size();
    }

    private static void load(JsonNode root, Map<String, ModelPrice> table) {
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("the top level is not a JSON object");
        }
        Iterator<Map.Entry<String, JsonNode>> entries = root.fields();
        while (entries.hasNext()) {
            Map.Entry<String, JsonNode> entry = entries.next();
            JsonNode spec = entry.getValue();
            if ("sample_spec".equals(entry.getKey()) || !spec.isObject()
                    || !spec.path("input_cost_per_token").isNumber() || !spec.path("output_cost_per_token").isNumber()) {
                continue; // the schema's own documentation entry, or a model that is not priced per token
            }
            double input = spec.get("input_cost_per_token").asDouble();
            double output = spec.get("output_cost_per_token").asDouble();
            if (input < 0 || output < 0) {
                continue;
            }
            table.put(entry.getKey(), new ModelPrice(input, output, spec.path("litellm_provider").asText("")));
        }
    }
}
