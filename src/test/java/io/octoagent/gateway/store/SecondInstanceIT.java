package io.octoagent.gateway.store;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.octoagent.gateway.support.ProxyReplies.completionFor;
import static io.octoagent.gateway.support.ProxyReplies.success;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.octoagent.gateway.support.LiteLlmProxyStub;
import io.octoagent.gateway.support.PackagedApp;
import io.octoagent.gateway.support.Pause;
import io.octoagent.gateway.support.TestFiles;
import io.octoagent.gateway.support.TestHttp;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
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
 * Two packaged jars on one data directory (two pods on one volume, an operator's second
 * {@code java -jar}): the second must exit at once, naming the directory and the first one's
 * pid, and never become ready; the first one's in-flight tasks are each called exactly once.
 */
class SecondInstanceIT {

    private static final int TASKS = 20;

    private final ObjectMapper mapper = new ObjectMapper();
    private WireMockServer proxy;
    private Path dataDir;
    private PackagedApp first;
    private PackagedApp second;

    @BeforeEach
    void setUp() throws IOException {
        PackagedApp.assertBuilt();
        proxy = LiteLlmProxyStub.standalone();
        dataDir = Files.createTempDirectory("octoagent-two-");
    }

    @AfterEach
    void tearDown() throws IOException {
        for (PackagedApp app : new PackagedApp[] {first, second}) {
            if (app != null) {
                app.close();
            }
        }
        proxy.stop();
        TestFiles.deleteTree(dataDir);
    }

    @Test
    void aSecondProcessOnTheSameDataDirectoryExitsAndNothingIsCalledTwice() throws Exception {
        proxy.stubFor(completionFor("main").willReturn(success("the only answer", "gpt-4o", "main",
                LiteLlmProxyStub.MAIN_ID, "0.0001", 10, 5).withFixedDelay(2_000)));
        Map<String, String> env = Map.of("LITELLM_PROXY_URL", proxy.baseUrl(), "LITELLM_PROXY_KEY",
                LiteLlmProxyStub.PROXY_KEY);
        first = PackagedApp.start(dataDir, env, Path.of("target", "second-instance-first.log"));
        first.awaitHealthy(Duration.ofSeconds(60));

        HttpClient http = TestHttp.newClient();
        List<String> taskIds = new ArrayList<>();
        for (int i = 0; i < TASKS; i++) {
            HttpResponse<String> created = TestHttp.postJson(http, first.baseUrl() + "/api/message",
                    "{\"text\":\"question " + i + "\",\"idempotency_key\":\"" + UUID.randomUUID() + "\"}");
            assertEquals(201, created.statusCode(), created.body());
            taskIds.add(mapper.readTree(created.body()).path("task_id").asText());
        }

        // The tasks are in flight (the proxy takes 2 s) when the second process starts.
        second = PackagedApp.start(dataDir, env, Path.of("target", "second-instance-second.log"));
        long start = System.nanoTime();
        boolean everReady = false;
        while (second.isAlive() && System.nanoTime() - start < Duration.ofSeconds(30).toNanos()) {
            try {
                everReady |= TestHttp.get(http, second.baseUrl() + "/q/health/ready", Duration.ofSeconds(1))
                        .statusCode() == 200;
            } catch (IOException notListening) {
                // expected: it never gets that far
            }
            Pause.millis(50);
        }
        long exitedAfterMs = (System.nanoTime() - start) / 1_000_000;
        assertFalse(second.isAlive(), "the second process is still running; log:\n" + second.logTail());
        assertNotEquals(0, second.exitCode(), "the second process must fail, not exit cleanly");
        assertFalse(everReady, "the second process must never report ready");
        String log = Files.readString(second.log());
        assertTrue(log.contains(dataDir.toAbsolutePath().normalize().toString()), "the refusal names the directory:\n"
                + second.logTail());
        assertTrue(log.contains("pid " + first.pid()), "the refusal names the holder's pid " + first.pid() + ":\n"
                + second.logTail());
        System.out.println("[SecondInstanceIT] the second process exited with " + second.exitCode() + " after "
                + exitedAfterMs + " ms");

        // The first process finishes its tasks alone: one proxy call each, no interrupted call.
        for (String taskId : taskIds) {
            JsonNode detail = first.awaitTerminal(taskId, Duration.ofSeconds(60));
            assertEquals("SUCCEEDED", detail.path("task").path("status").asText(), detail.toString());
            for (JsonNode event : detail.path("events")) {
                assertNotEquals("MODEL_CALL_FAILED", event.path("type").asText(), event.toString());
            }
        }
        assertEquals(TASKS, proxy.countRequestsMatching(postRequestedFor(urlEqualTo("/chat/completions")).build())
                .getCount(), "one proxy call per task");
        assertTrue(first.isAlive());
        assertEquals(200, TestHttp.get(http, first.baseUrl() + "/q/health/ready").statusCode());
    }
}
