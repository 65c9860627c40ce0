package io.octoagent.gateway.provider;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Which channel priced a call: the proxy's cost header, a price table (the proxy's deployment
 * prices or the bundled/user table), none (a model that costs nothing by definition: the echo
 * model), or unavailable (nothing could price it; its cost is unknown, not zero).
 */
public enum CostSource {
    PROXY_HEADER, PRICE_TABLE, NONE, UNAVAILABLE;

    @JsonValue
    public String wire() {
        return name().toLowerCase();
    }
}
