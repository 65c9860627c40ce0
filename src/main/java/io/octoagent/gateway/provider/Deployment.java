package io.octoagent.gateway.provider;

/**
 * One deployment behind the proxy, from {@code GET /model/info}: the group it serves, the
 * underlying model ({@code openai/gpt-4o-mini}), its provider and per-token prices (null when
 * the proxy does not know them).
 */
public record Deployment(String id, String group, String model, String provider, Double inputCostPerToken,
                         Double outputCostPerToken) {

    /** The model name without its {@code provider/} prefix. */
    public String modelName() {
        return ModelNames.withoutProvider(model);
    }
}
