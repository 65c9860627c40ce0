package io.octoagent.gateway.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tracing is on exactly when an OTLP endpoint is configured, unless the operator says otherwise. */
class TracingSwitchTest {

    @Test
    void offWithoutAnEndpoint() {
        assertEquals("true", sdkDisabled(Map.of()));
    }

    @Test
    void onWithAnEndpointOrATracesEndpoint() {
        assertEquals("false", sdkDisabled(Map.of(TracingSwitch.ENDPOINT, "http://collector:4317")));
        assertEquals("false", sdkDisabled(Map.of(TracingSwitch.TRACES_ENDPOINT, "http://collector:4318/v1/traces")));
    }

    @Test
    void aBlankEndpointIsNone() {
        assertEquals("true", sdkDisabled(Map.of(TracingSwitch.ENDPOINT, " ")));
    }

    @Test
    void anExplicitSettingWins() {
        assertEquals("true", sdkDisabled(Map.of(TracingSwitch.ENDPOINT, "http://collector:4317",
                TracingSwitch.SDK_DISABLED, "true")));
        assertEquals("false", sdkDisabled(Map.of(TracingSwitch.SDK_DISABLED, "false")));
    }

    private static String sdkDisabled(Map<String, String> properties) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(properties, "test", 100))
                .withInterceptors(new TracingSwitch())
                .build();
        return config.getConfigValue(TracingSwitch.SDK_DISABLED).getValue();
    }
}
