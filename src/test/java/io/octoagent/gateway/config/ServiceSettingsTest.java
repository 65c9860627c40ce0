package io.octoagent.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Parsing of the numeric and duration settings, with messages naming the environment variable. */
class ServiceSettingsTest {

    @Test
    void goodValuesParse() {
        assertEquals(Duration.ofSeconds(15), ServiceSettings.duration("V", "15s", Duration.ZERO));
        assertEquals(Duration.ofMillis(500), ServiceSettings.duration("V", " 500ms ", Duration.ZERO));
        assertEquals(Duration.ofMinutes(2), ServiceSettings.duration("V", "PT2M", Duration.ZERO));
        assertEquals(256, ServiceSettings.whole("V", "256", 1, 1000));
        assertEquals(0.7, ServiceSettings.decimal("V", "0.7", 0, 2), 0.0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0s", "0", "-1s", "soon", "", "15 parsecs"})
    void aHeartbeatMustBeAPositiveDuration(String value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ServiceSettings.duration("OCTOAGENT_STREAM_HEARTBEAT", value, Duration.ofMillis(100)));
        assertTrue(e.getMessage().startsWith("OCTOAGENT_STREAM_HEARTBEAT='" + value + "' is not valid"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-3", "lots", "1.5", "99999999999"})
    void wholeNumbersAreCheckedAgainstTheirRange(String value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ServiceSettings.whole("OCTOAGENT_STORE_MAX_BATCH", value, 1, 100_000));
        assertTrue(e.getMessage().contains("OCTOAGENT_STORE_MAX_BATCH='" + value + "'"), e.getMessage());
        assertTrue(e.getMessage().contains("from 1 to 100000"), e.getMessage());
    }
}
