package io.octoagent.gateway.budget;

/**
 * What a model call may cost at worst, before it is made: to {@code runtimeGroup}, with
 * {@code maxTokens}; {@code worstNanos} is null when it cannot be priced.
 */
public record CallQuote(String runtimeGroup, int maxTokens, Long worstNanos) {

    public boolean priced() {
        return worstNanos != null;
    }
}
