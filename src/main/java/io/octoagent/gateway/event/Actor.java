package io.octoagent.gateway.event;

import com.fasterxml.jackson.annotation.JsonValue;

/** Who caused an event. */
public enum Actor {
    USER, KERNEL, WORKER, TOOL, SYSTEM;

    @JsonValue
    public String wire() {
        return name().toLowerCase();
    }

    public static Actor fromWire(String value) {
        return valueOf(value.toUpperCase());
    }
}
