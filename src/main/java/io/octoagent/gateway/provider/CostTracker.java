package io.octoagent.gateway.provider;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/**
 * Prices a model call; never throws. Channel 1: the proxy's {@code x-litellm-response-cost}
 * header. Channel 2: tokens × per-token prices, from the serving deployment's {@code /model/info}
 * entry, else from the {@link PriceTable}. Otherwise the cost is unavailable (0, flagged).
 */
@ApplicationScoped
public class CostTracker {

    public static final String COST_HEADER = "x-litellm-response-cost";

    private final PriceTable prices;

    public CostTracker(PriceTable prices) {
        this.prices = prices;
    }

    /** A priced (or unpriceable) call. */
    public record Cost(double usd, CostSource source) {
        public static final Cost UNAVAILABLE = new Cost(0.0, CostSource.UNAVAILABLE);

        public boolean unavailable() {
            return source == CostSource.UNAVAILABLE;
        }
    }

    public Cost price(String costHeader, TokenUsage usage, Deployment deployment, String modelName, String provider) {
        try {
            Optional<Double> fromHeader = parseCostHeader(costHeader);
            if (fromHeader.isPresent()) {
                return new Cost(fromHeader.get(), CostSource.PROXY_HEADER);
            }
            if (usage.totalTokens() <= 0) {
                return Cost.UNAVAILABLE; // no usage reported: nothing to multiply
            }
            if (deployment != null && deployment.inputCostPerToken() != null && deployment.outputCostPerToken() != null) {
                return checked(new ModelPrice(deployment.inputCostPerToken(), deployment.outputCostPerToken(),
                        deployment.provider()).cost(usage));
            }
            return prices.lookup(modelName, provider).map(price -> checked(price.cost(usage))).orElse(Cost.UNAVAILABLE);
        } catch (RuntimeException e) {
            Log.warnf("Could not price a call of %s: %s", modelName, e.getMessage());
            return Cost.UNAVAILABLE;
        }
    }

    /** The header's USD value (exponent notation allowed), if present and a finite number ≥ 0. */
    public static Optional<Double> parseCostHeader(String value) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        try {
            double cost = Double.parseDouble(value.trim());
            // "+ 0.0" turns a header of -0 into 0.0, so no negative zero is ever recorded.
            return Double.isFinite(cost) && cost >= 0 ? Optional.of(cost + 0.0) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** OpenAI-style {@code usage}; missing counts are 0, a missing total is prompt + completion. */
    public static TokenUsage parseUsage(JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return TokenUsage.NONE;
        }
        long prompt = Math.max(0, usage.path("prompt_tokens").asLong(0));
        long completion = Math.max(0, usage.path("completion_tokens").asLong(0));
        JsonNode total = usage.get("total_tokens");
        return total != null && total.canConvertToLong() && total.asLong() >= 0
                ? new TokenUsage(prompt, completion, total.asLong())
                : TokenUsage.of(prompt, completion);
    }

    private static Cost checked(double usd) {
        if (!Double.isFinite(usd) || usd < 0) {
            throw new CostCalculationException("computed cost " + usd + " is not a valid amount", null);
        }
        return new Cost(usd, CostSource.PRICE_TABLE);
    }
}
