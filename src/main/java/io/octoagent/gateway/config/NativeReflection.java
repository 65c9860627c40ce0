package io.octoagent.gateway.config;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Classes that only reflection reaches, registered for the native image: Jackson instantiates the
 * naming strategy named in {@code quarkus.jackson.property-naming-strategy} by name, and a native
 * executable without it fails at startup.
 */
@RegisterForReflection(targets = {PropertyNamingStrategies.SnakeCaseStrategy.class})
public final class NativeReflection {

    private NativeReflection() {
    }
}
