package io.octoagent.gateway.config;

import java.util.Locale;

/** Which engine holds the ledger ({@code OCTOAGENT_STORE}). */
public enum StoreKind {
    /** One embedded SQLite file: one process, no setup. */
    SQLITE,
    /** A PostgreSQL database shared by any number of replicas. */
    POSTGRES;

    public static StoreKind parse(String value) {
        String wire = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        for (StoreKind kind : values()) {
            if (kind.name().toLowerCase(Locale.ROOT).equals(wire)) {
                return kind;
            }
        }
        throw ServiceSettings.invalid("OCTOAGENT_STORE", value, "sqlite, postgres");
    }
}
