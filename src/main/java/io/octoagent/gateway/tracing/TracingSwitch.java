package io.octoagent.gateway.tracing;

import static io.octoagent.gateway.config.ConfigValues.derived;
import static io.octoagent.gateway.config.ConfigValues.isSet;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.Priorities;
import jakarta.annotation.Priority;

/**
 * Tracing is on exactly when an OTLP endpoint is configured: unless {@code quarkus.otel.sdk.disabled}
 * is set explicitly, it defaults to {@code true} without {@code QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT}
 * (or its {@code _TRACES_} form). Quarkus would otherwise export to localhost:4317, where nothing
 * listens, and log a failure every few seconds. Values that are only the extension's defaults
 * (the lowest ordinal) do not count as configured.
 */
@Priority(Priorities.APPLICATION)
public class TracingSwitch implements ConfigSourceInterceptor {

    static final String SDK_DISABLED = "quarkus.otel.sdk.disabled";
    static final String ENDPOINT = "quarkus.otel.exporter.otlp.endpoint";
    static final String TRACES_ENDPOINT = "quarkus.otel.exporter.otlp.traces.endpoint";

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        ConfigValue value = context.proceed(name);
        if (!SDK_DISABLED.equals(name) || isSet(value)) {
            return value;
        }
        boolean endpoint = isSet(context.proceed(TRACES_ENDPOINT)) || isSet(context.proceed(ENDPOINT));
        return derived(name, String.valueOf(!endpoint), "tracing on when an OTLP endpoint is configured");
    }
}
