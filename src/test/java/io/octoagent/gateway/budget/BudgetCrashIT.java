package io.octoagent.gateway.budget;

import static io.octoagent.gateway.budget.BudgetedProxy.CHEAP_WORST;
import static io.octoagent.gateway.budget.BudgetedProxy.PROMPT;
import static io.octoagent.gateway.budget.BudgetedProxy.usd;
import static io.octoagent.gateway.support.LiteLlmProxyStub.CHEAP_ID;
import static io.octoagent.gateway.support.LiteLlmProxyStub.PROXY_KEY;
import static io.octoagent.gateway.support.ProxyReplies.completionFor;
import static io.octoagent.gateway.support.ProxyReplies.success;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.octoagent.gateway.support.LiteLlmProxyStub;
import io.octoagent.gateway.support.PackagedApp;
import io.octoagent.gateway.support.Pause;
import io.octoagent.gateway.support.TestFiles;
import io.octoagent.gateway.support.TestHttp;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A restart with reservations in flight: five calls hold the whole of a budget when the process
 * is SIGKILLed; after the restart each interrupted call is closed (its reservation released),
 * made again (reserved again) and answered — the budget ends with exactly five real costs spent,
 * nothing reserved, and still refuses a sixth call.
 */
class BudgetCrashIT {

    private static final int CALLS = 5;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private WireMockServer proxy;
    private Path dataDir;
    private PackagedApp app;

    @BeforeEach
    void setUp() throws Exception {
        PackagedApp.assertBuilt();
        proxy = LiteLlmProxyStub.standalone();
        dataDir = Files.createTempDirectory("octoagent-budget-crash-");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (app != null) {
            app.close();
        }
        proxy.stop();
        TestFiles.deleteTree(dataDir);
    }

    @Test
    void aKilledProcessLeaksNoReservationAndChargesNoCallTwice() throws Exception {
        Path budgets = dataDir.resolveSibling(dataDir.getFileName() + "-budgets.yaml");
        Files.writeString(budgets, "- name: crash\n  scope: owner\n  values: [crash]\n  period: total\n"
                + "  limit_usd: \"" + usd(CALLS * CHEAP_WORST) + "\"\n  on_exhausted: reject\n");
        Map<String, String> env = Map.of(
                "LITELLM_PROXY_URL", proxy.baseUrl(),
                "LITELLM_PROXY_KEY", PROXY_KEY,
                "OCTOAGENT_BUDGETS_FILE", budgets.toString(),
                "OCTOAGENT_LLM_MAX_TOKENS", String.valueOf(BudgetedProxy.MAX_TOKENS),
                "OCTOAGENT_LLM_PROXY_FALLBACKS", "cheap=",
                "OCTOAGENT_LLM_TIMEOUT_S", "20");
        // First run: the proxy holds every answer, so the calls are in flight when the process dies.
        proxy.stubFor(completionFor("cheap").willReturn(success("late", "gpt-4o-mini", "cheap", CHEAP_ID,
                usd(CHEAP_WORST), 10, 20).withFixedDelay(15_000)));
        app = PackagedApp.start(dataDir, env, Path.of("target", "budget-crash-1.log"));
        app.awaitHealthy(Duration.ofSeconds(60));
        HttpClient client = TestHttp.newClient();
        List<String> tasks = new ArrayList<>();
        for (int i = 0; i < CALLS; i++) {
            tasks.add(submit(client));
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (reservedNanos(client) < CALLS * CHEAP_WORST && System.nanoTime() < deadline) {
            Pause.millis(50);
        }
        assertEquals(CALLS * CHEAP_WORST, reservedNanos(client), "all five calls hold their worst case");
        app.kill();
        assertTrue(app.awaitExit(Duration.ofSeconds(30)));

        // Second run: the proxy answers at once.
        proxy.resetMappings();
        LiteLlmProxyStub.stubModelInfo(proxy);
        LiteLlmProxyStub.stubLiveliness(proxy);
        proxy.stubFor(completionFor("cheap").willReturn(success("answer", "gpt-4o-mini", "cheap", CHEAP_ID,
                usd(CHEAP_WORST), 10, 20)));
        app = PackagedApp.start(dataDir, env, Path.of("target", "budget-crash-2.log"));
        app.awaitHealthy(Duration.ofSeconds(60));
        for (String taskId : tasks) {
            JsonNode detail = app.awaitTerminal(taskId, Duration.ofSeconds(30));
            assertEquals("SUCCEEDED", detail.path("task").path("status").asText(), detail.toString());
            int interrupted = 0;
            int completed = 0;
            for (JsonNode event : detail.path("events")) {
                String type = event.path("type").asText();
                interrupted += type.equals("MODEL_CALL_FAILED")
                        && event.path("payload").path("error_type").asText().equals("interrupted") ? 1 : 0;
                completed += type.equals("MODEL_CALL_COMPLETED") ? 1 : 0;
            }
            assertEquals(1, interrupted, "the dangling call is closed as interrupted");
            assertEquals(1, completed, "and answered once");
        }
        JsonNode status = budget(client);
        assertEquals(CALLS * CHEAP_WORST, Usd.nanos(status.path("spent_usd").asDouble()), status.toString());
        assertEquals(0, Usd.nanos(status.path("reserved_usd").asDouble()), "nothing leaked");
        String sixth = submit(client);
        assertEquals("REJECTED", app.awaitTerminal(sixth, Duration.ofSeconds(30)).path("task").path("status").asText(),
                "nothing double-counted either: the budget is exactly full");
    }

    private String submit(HttpClient client) throws Exception {
        String body = "{\"text\":\"" + PROMPT + "\",\"idempotency_key\":\"" + UUID.randomUUID()
                + "\",\"sender_id\":\"crash\",\"model_alias\":\"router\"}";
        var response = TestHttp.postJson(client, app.baseUrl() + "/api/message", body);
        assertEquals(201, response.statusCode(), response.body());
        return MAPPER.readTree(response.body()).path("task_id").asText();
    }

    private JsonNode budget(HttpClient client) throws Exception {
        for (JsonNode status : MAPPER.readTree(TestHttp.get(client, app.baseUrl() + "/api/budgets").body())
                .path("budgets")) {
            if (status.path("name").asText().equals("crash")) {
                return status;
            }
        }
        return MAPPER.createObjectNode();
    }

    private long reservedNanos(HttpClient client) throws Exception {
        return Usd.nanos(budget(client).path("reserved_usd").asDouble());
    }
}
