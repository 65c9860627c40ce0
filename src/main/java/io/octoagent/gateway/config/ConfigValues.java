package io.octoagent.gateway.config;

import io.smallrye.config.ConfigValue;

/** For config interceptors that derive a default from other settings. */
public final class ConfigValues {

    private ConfigValues() {
    }

    /**
     * Whether {@code value} was configured by someone: present, not blank, and not merely an
     * extension's default (those come from the lowest ordinal).
     */
    public static boolean isSet(ConfigValue value) {
        return value != null && value.getValue() != null && !value.getValue().isBlank()
                && value.getConfigSourceOrdinal() > Integer.MIN_VALUE;
    }

    /** A value derived by an interceptor, ranked just above the defaults so anything configured wins. */
    public static ConfigValue derived(String name, String value, String reason) {
        return ConfigValue.builder()
                .withName(name)
                .withValue(value)
                .withConfigSourceName(reason)
                .withConfigSourceOrdinal(Integer.MIN_VALUE + 1)
                .build();
    }
}
