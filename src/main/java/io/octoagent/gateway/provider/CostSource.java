package io.octoagent.gateway.provider;

import com.fasterxml.jackson.annotation.JsonValue;

/** Which channel priced a call. */
public enum CostSource {
    PROXY_HEADER, PRICE_TABLE, UNAVAILABLE;

    @JsonValue
    public String wire() {
        return name().toLowerCase();
    }
}
