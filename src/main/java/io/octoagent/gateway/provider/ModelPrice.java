package io.octoagent.gateway.provider;

/** USD per token for one model, and the provider LiteLLM files it under. */
public record ModelPrice(double inputCostPerToken, double outputCostPerToken, String provider) {

    public double cost(TokenUsage usage) {
        return usage.promptTokens() * inputCostPerToken + usage.completionTokens() * outputCostPerToken;
    }
}
