package io.octoagent.gateway.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.octoagent.gateway.config.GatewayConfig;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Startup validation of the provider settings, and keeping the proxy key out of sight. */
class ProviderSettingsTest {

    static final String KEY = "sk-octo-3f9a1c77b2";

    /** The {@code octoagent.llm} values, with the defaults of {@link GatewayConfig.Llm}. */
    static final class FakeLlm implements GatewayConfig.Llm {
        String mode = "litellm";
        String proxyUrl = "http://localhost:4000";
        Optional<String> proxyKey = Optional.empty();
        String timeoutS = "30";
        String fallback = "echo";
        String temperature = "0.7";

        @Override
        public String mode() {
            return mode;
        }

        @Override
        public String proxyUrl() {
            return proxyUrl;
        }

        @Override
        public Optional<String> proxyKey() {
            return proxyKey;
        }

        @Override
        public String timeoutS() {
            return timeoutS;
        }

        @Override
        public String fallback() {
            return fallback;
        }

        @Override
        public String breakerDelay() {
            return "30s";
        }

        @Override
        public String maxConcurrency() {
            return "64";
        }

        @Override
        public String temperature() {
            return temperature;
        }

        @Override
        public String maxTokens() {
            return "1024";
        }

        @Override
        public Optional<String> proxyFallbacks() {
            return Optional.empty();
        }

        @Override
        public Map<String, Alias> aliases() {
            return Map.of();
        }
    }

    /** Only {@link #llm()} is used by the provider settings. */
    static final class FakeConfig implements GatewayConfig {
        final FakeLlm llm = new FakeLlm();

        @Override
        public String dataDir() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Store store() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Db db() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Artifacts artifacts() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Stream stream() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Http http() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Readiness readiness() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Shutdown shutdown() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Llm llm() {
            return llm;
        }

        @Override
        public Optional<String> apiTokens() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<String> apiTokensFile() {
            throw new UnsupportedOperationException();
        }

        @Override
        public String allowAnonymous() {
            throw new UnsupportedOperationException();
        }

        @Override
        public String metricsAccess() {
            throw new UnsupportedOperationException();
        }

        @Override
        public String maxBacklog() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<String> pricingFile() {
            return Optional.empty();
        }

        @Override
        public java.util.List<BudgetEntry> budgets() {
            return java.util.List.of();
        }

        @Override
        public Optional<String> budgetsFile() {
            return Optional.empty();
        }

        @Override
        public String budgetUnpriced() {
            return "deny";
        }
    }

    private static ProviderSettings validated(FakeConfig config) {
        ProviderSettings settings = new ProviderSettings(config);
        settings.validate();
        return settings;
    }

    private static IllegalArgumentException rejected(FakeConfig config) {
        return assertThrows(IllegalArgumentException.class, () -> validated(config));
    }

    private static ProviderSettings withKey(String key) {
        FakeConfig config = new FakeConfig();
        config.llm.proxyKey = Optional.of(key);
        return validated(config);
    }

    // ---- defaults and modes ----------------------------------------------------------------------

    @Test
    void defaultsAreValid() {
        ProviderSettings settings = validated(new FakeConfig());
        assertEquals(ProviderSettings.Mode.LITELLM, settings.mode());
        assertEquals(ProviderSettings.FallbackPolicy.ECHO, settings.fallback());
        assertEquals("http://localhost:4000", settings.proxyUrl().toString());
        assertEquals(30, settings.timeoutSeconds());
        assertEquals(0.7, settings.temperature(), 0.0);
        assertTrue(settings.authorization().isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"litellm", "LITELLM", "LiteLLM", " litellm "})
    void litellmModeIsCaseInsensitive(String mode) {
        FakeConfig config = new FakeConfig();
        config.llm.mode = mode;
        assertEquals(ProviderSettings.Mode.LITELLM, validated(config).mode());
    }

    @ParameterizedTest
    @ValueSource(strings = {"echo", "ECHO", "Echo", "echo "})
    void echoModeIsCaseInsensitive(String mode) {
        FakeConfig config = new FakeConfig();
        config.llm.mode = mode;
        assertEquals(ProviderSettings.Mode.ECHO, validated(config).mode());
    }

    @ParameterizedTest
    @ValueSource(strings = {"openai", "", "lite-llm", "none"})
    void badModeNamesTheVariableAndTheAcceptedValues(String mode) {
        FakeConfig config = new FakeConfig();
        config.llm.mode = mode;
        IllegalArgumentException e = rejected(config);
        assertTrue(e.getMessage().contains("OCTOAGENT_LLM_MODE"), e.getMessage());
        assertTrue(e.getMessage().contains("litellm, echo"), e.getMessage());
    }

    @Test
    void nullModeIsRejectedWithTheVariableName() {
        FakeConfig config = new FakeConfig();
        config.llm.mode = null;
        assertTrue(rejected(config).getMessage().contains("OCTOAGENT_LLM_MODE"));
    }

    // ---- timeout ----------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"0", "-3", "abc", "", "1.5", "30s"})
    void badTimeoutNamesTheVariable(String timeout) {
        FakeConfig config = new FakeConfig();
        config.llm.timeoutS = timeout;
        IllegalArgumentException e = rejected(config);
        assertTrue(e.getMessage().contains("OCTOAGENT_LLM_TIMEOUT_S"), e.getMessage());
    }

    @Test
    void timeoutOfOneSecondAndPaddedValuesAreAccepted() {
        FakeConfig config = new FakeConfig();
        config.llm.timeoutS = "1";
        assertEquals(1, validated(config).timeoutSeconds());
        config.llm.timeoutS = " 45 ";
        assertEquals(45, validated(config).timeoutSeconds());
    }

    @Test
    void parseTimeoutRejectsNull() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ProviderSettings.parseTimeout(null));
        assertTrue(e.getMessage().contains("OCTOAGENT_LLM_TIMEOUT_S"), e.getMessage());
    }

    // ---- fallback ---------------------------------------------------------------------------------

    @Test
    void fallbackNoneIsAcceptedInAnyCase() {
        FakeConfig config = new FakeConfig();
        config.llm.fallback = "NONE";
        assertEquals(ProviderSettings.FallbackPolicy.NONE, validated(config).fallback());
        config.llm.fallback = "none";
        assertEquals(ProviderSettings.FallbackPolicy.NONE, validated(config).fallback());
    }

    @ParameterizedTest
    @ValueSource(strings = {"maybe", "", "litellm", "off"})
    void badFallbackNamesTheVariable(String fallback) {
        FakeConfig config = new FakeConfig();
        config.llm.fallback = fallback;
        IllegalArgumentException e = rejected(config);
        assertTrue(e.getMessage().contains("OCTOAGENT_LLM_FALLBACK"), e.getMessage());
        assertTrue(e.getMessage().contains("echo, none"), e.getMessage());
    }

    // ---- proxy URL --------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"ftp://x", "not a url", "", "localhost:4000", "http://", "file:///etc/passwd"})
    void badUrlNamesTheVariable(String url) {
        FakeConfig config = new FakeConfig();
        config.llm.proxyUrl = url;
        IllegalArgumentException e = rejected(config);
        assertTrue(e.getMessage().contains("LITELLM_PROXY_URL"), e.getMessage());
    }

    @Test
    void parseUrlRejectsNull() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ProviderSettings.parseUrl(null));
        assertTrue(e.getMessage().contains("LITELLM_PROXY_URL"), e.getMessage());
    }

    @Test
    void trailingSlashIsStripped() {
        FakeConfig config = new FakeConfig();
        config.llm.proxyUrl = "http://litellm:4000/";
        assertEquals("http://litellm:4000", validated(config).proxyUrl().toString());
        config.llm.proxyUrl = "https://proxy.example.com/llm//";
        assertEquals("https://proxy.example.com/llm", validated(config).proxyUrl().toString());
    }

    @Test
    void httpsUrlIsAccepted() {
        FakeConfig config = new FakeConfig();
        config.llm.proxyUrl = "https://proxy.example.com:8443";
        ProviderSettings settings = validated(config);
        assertEquals("https", settings.proxyUrl().getScheme());
        assertEquals("proxy.example.com", settings.proxyUrl().getHost());
        assertEquals(8443, settings.proxyUrl().getPort());
    }

    @Test
    void parseEnumNamesTheVariableAndAcceptedValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ProviderSettings.parseEnum(ProviderSettings.Mode.class, "x", "SOME_VAR", "a, b"));
        assertTrue(e.getMessage().contains("SOME_VAR"), e.getMessage());
        assertTrue(e.getMessage().contains("a, b"), e.getMessage());
        assertEquals(ProviderSettings.Mode.ECHO,
                ProviderSettings.parseEnum(ProviderSettings.Mode.class, "eChO", "SOME_VAR", "a, b"));
    }

    // ---- the proxy key ----------------------------------------------------------------------------

    @Test
    void authorizationIsABearerTokenWhenAKeyIsSet() {
        assertEquals(Optional.of("Bearer " + KEY), withKey(KEY).authorization());
    }

    @Test
    void authorizationTrimsTheKey() {
        assertEquals(Optional.of("Bearer " + KEY), withKey("  " + KEY + "\n").authorization());
    }

    @Test
    void authorizationIsEmptyWhenTheKeyIsBlankOrUnset() {
        assertTrue(withKey("").authorization().isEmpty());
        assertTrue(withKey("   ").authorization().isEmpty());
        assertTrue(validated(new FakeConfig()).authorization().isEmpty());
    }

    @Test
    void redactReplacesEveryOccurrenceOfTheKey() {
        String redacted = withKey(KEY).redact("Authentication Error: key " + KEY + " is invalid (" + KEY + ")");
        assertFalse(redacted.contains(KEY), redacted);
        assertEquals("Authentication Error: key [redacted] is invalid ([redacted])", redacted);
    }

    @Test
    void redactLeavesTextAloneWithoutAKey() {
        ProviderSettings settings = validated(new FakeConfig());
        assertEquals("proxy error 500: boom", settings.redact("proxy error 500: boom"));
        assertNull(settings.redact(null));
        assertNull(withKey(KEY).redact(null));
    }

    @Test
    void toStringNeverContainsTheKey() {
        String text = withKey(KEY).toString();
        assertFalse(text.contains(KEY), text);
        assertTrue(text.contains("proxyKey=set"), text);
        assertTrue(validated(new FakeConfig()).toString().contains("proxyKey=unset"));
    }
}
