package io.octoagent.gateway.config;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.octoagent.gateway.support.PackagedApp;
import io.octoagent.gateway.support.TestFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A bad setting stops the packaged jar at startup with a message that names the environment
 * variable — not a service that starts and then degrades (every paid answer an echo, an ERROR on
 * every stream) or a message that names only the property.
 */
class ConfigFailsFastIT {

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
            "OCTOAGENT_PRICING_FILE, /nonexistent/prices.json",
            "OCTOAGENT_STREAM_HEARTBEAT, 0s",
            "OCTOAGENT_SHUTDOWN_GRACE, soon",
            "OCTOAGENT_HTTP_HEADER_TIMEOUT, 0s",
            "OCTOAGENT_HTTP_MAX_IDLE_CONNECTIONS, many",
            "OCTOAGENT_STORE_MAX_BATCH, lots",
            "OCTOAGENT_LLM_MAX_CONCURRENCY, 0",
            "OCTOAGENT_LLM_TEMPERATURE, hot",
            "OCTOAGENT_LLM_MAX_TOKENS, 0",
            "OCTOAGENT_LLM_PROXY_FALLBACKS, main",
            "OCTOAGENT_BUDGET_UNPRICED, maybe",
            "OCTOAGENT_BUDGETS_FILE, /nonexistent/budgets.yaml",
    })
    void aBadValueStopsStartupNamingTheVariable(String variable, String value) throws Exception {
        PackagedApp.assertBuilt();
        Path dataDir = Files.createTempDirectory("octoagent-config-");
        Path log = Path.of("target", "config-fails-fast-" + variable + ".log");
        try (PackagedApp app = PackagedApp.start(dataDir, Map.of(variable, value, "OCTOAGENT_LLM_MODE", "echo"), log)) {
            assertTrue(app.awaitExit(Duration.ofSeconds(60)), variable + "=" + value + " did not stop the service");
            assertNotEquals(0, app.exitCode());
            String output = Files.readString(log);
            assertTrue(output.contains(variable + "='" + value + "'"), "the message names " + variable + ":\n"
                    + app.logTail());
        } finally {
            TestFiles.deleteTree(dataDir);
        }
    }

    /** A budget that cannot be enforced as written stops startup, naming the budget and the field. */
    @Test
    void aBadBudgetStopsStartupNamingIt() throws Exception {
        PackagedApp.assertBuilt();
        Path dataDir = Files.createTempDirectory("octoagent-config-");
        Path budgets = Files.createTempFile("octoagent-budgets-", ".yaml");
        Files.writeString(budgets, "- name: team\n  scope: owner\n  period: fortnight\n  limit_usd: \"5\"\n");
        Path log = Path.of("target", "config-fails-fast-budget.log");
        try (PackagedApp app = PackagedApp.start(dataDir, Map.of("OCTOAGENT_BUDGETS_FILE", budgets.toString(),
                "OCTOAGENT_LLM_MODE", "echo"), log)) {
            assertTrue(app.awaitExit(Duration.ofSeconds(60)), "a bad budget did not stop the service");
            assertNotEquals(0, app.exitCode());
            assertTrue(Files.readString(log).contains("OCTOAGENT_BUDGETS_FILE: budget 'team': period 'fortnight' is "
                    + "not valid; accepted values: day, week, month, total"), app.logTail());
        } finally {
            TestFiles.deleteTree(dataDir);
            Files.deleteIfExists(budgets);
        }
    }
}
