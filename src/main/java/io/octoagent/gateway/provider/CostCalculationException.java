package io.octoagent.gateway.provider;

/** Pricing failed; the cost tracker catches it and records the cost as unavailable. */
public class CostCalculationException extends ProviderException {
    public CostCalculationException(String message, Throwable cause) {
        super("cost_calculation", message, true, cause);
    }
}
