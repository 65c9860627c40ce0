package io.octoagent.gateway.store;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static io.octoagent.gateway.support.ProxyReplies.completionFor;
import static io.octoagent.gateway.support.ProxyReplies.success;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.octoagent.gateway.support.LiteLlmProxyStub;
import io.octoagent.gateway.support.PackagedApp;
import io.octoagent.gateway.support.Pause;
import io.octoagent.gateway.support.TestHttp;
import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The packaged jar with its data directory on a real 16 MiB tmpfs that fills up while tasks are
 * in flight. While the disk is full, submissions get 503 and readiness is DOWN; once space is
 * freed the store works again without a restart, a refused submission was really not committed
 * (its retry creates it), and the tasks whose steps failed finish with their one, real answer.
 *
 * <p>Mounting needs root (which these machines and CI have).
 */
class DiskFullIT {

    private static final int IN_FLIGHT = 10;
    /** Larger than the inline limit, so each answer is an artifact file that needs space too. */
    private static final String LONG_ANSWER = "x".repeat(6_000);

    private final ObjectMapper mapper = new ObjectMapper();
    private final HttpClient http = TestHttp.newClient();
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private WireMockServer proxy;
    private Path mountPoint;
    private boolean mounted;
    private PackagedApp app;

    @BeforeEach
    void setUp() throws Exception {
        PackagedApp.assertBuilt();
        proxy = LiteLlmProxyStub.standalone();
        mountPoint = Files.createTempDirectory("octoagent-small-fs-");
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", mountPoint.toString())
                .redirectErrorStream(true).start();
        String output = new String(mount.getInputStream().readAllBytes());
        assertTrue(mount.waitFor(30, TimeUnit.SECONDS) && mount.exitValue() == 0,
                "this test mounts a 16 MiB tmpfs and needs root: " + output);
        mounted = true;
    }

    @AfterEach
    void tearDown() throws Exception {
        if (app != null) {
            app.close();
        }
        proxy.stop();
        if (mounted) {
            new ProcessBuilder("umount", mountPoint.toString()).inheritIO().start().waitFor(30, TimeUnit.SECONDS);
        }
        Files.deleteIfExists(mountPoint);
    }

    @Test
    void aFullDiskRefusesWritesThenTheStoreRecoversByItselfWhenSpaceReturns() throws Exception {
        proxy.stubFor(completionFor("main").willReturn(success(LONG_ANSWER, "gpt-4o", "main", LiteLlmProxyStub.MAIN_ID,
                "0.0001", 10, 1500).withFixedDelay(1_500)));
        Path dataDir = mountPoint.resolve("data");
        app = PackagedApp.start(dataDir, Map.of("LITELLM_PROXY_URL", proxy.baseUrl(), "LITELLM_PROXY_KEY",
                LiteLlmProxyStub.PROXY_KEY, "OCTOAGENT_READINESS_MIN_FREE_DISK_MB", "0"),
                Path.of("target", "disk-full.log"));
        app.awaitHealthy(Duration.ofSeconds(60));

        // Tasks in flight (the proxy takes 1.5 s) when the disk fills.
        List<String> inFlight = new ArrayList<>();
        for (int i = 0; i < IN_FLIGHT; i++) {
            HttpResponse<String> created = submit("in-flight-" + run + "-" + i, "a question " + i);
            assertEquals(201, created.statusCode(), created.body());
            inFlight.add(taskId(created));
        }

        List<Path> fillers = fill(dataDir);

        // Large submissions until the store refuses one: their commits need space the WAL lacks.
        Map<String, String> refused = new LinkedHashMap<>(); // key -> text
        List<String> acceptedWhileFull = new ArrayList<>();
        String big = "y".repeat(200_000);
        for (int i = 0; i < 40 && refused.size() < 10; i++) {
            String key = "full-" + run + "-" + i;
            String text = i + " " + big;
            HttpResponse<String> answer = submit(key, text);
            if (answer.statusCode() == 503) {
                assertEquals("STORE_UNAVAILABLE", mapper.readTree(answer.body()).path("error").path("code").asText());
                refused.put(key, text);
            } else {
                assertEquals(201, answer.statusCode(), answer.body());
                acceptedWhileFull.add(taskId(answer));
            }
        }
        assertFalse(refused.isEmpty(), "the full disk never refused a commit");
        HttpResponse<String> readiness = TestHttp.get(http, app.baseUrl() + "/q/health/ready");
        assertEquals(503, readiness.statusCode(), "readiness must be DOWN while commits fail: " + readiness.body());
        assertTrue(readiness.body().contains("commit failed"), readiness.body());

        // Let the in-flight calls answer into the full disk, then free the space.
        Pause.millis(2_000);
        for (Path filler : fillers) {
            Files.delete(filler);
        }
        long freed = System.nanoTime();
        long readyAfterMs = -1;
        while (System.nanoTime() - freed < TimeUnit.SECONDS.toNanos(20)) {
            if (TestHttp.get(http, app.baseUrl() + "/q/health/ready").statusCode() == 200) {
                readyAfterMs = (System.nanoTime() - freed) / 1_000_000;
                break;
            }
            Pause.millis(20);
        }
        assertTrue(readyAfterMs >= 0, "readiness did not come back within 20 s of freeing the space; log:\n"
                + app.logTail());

        // Every refused submission was really not committed: its retry with the same key creates it.
        List<String> retried = new ArrayList<>();
        for (Map.Entry<String, String> entry : refused.entrySet()) {
            HttpResponse<String> again = submit(entry.getKey(), entry.getValue());
            assertEquals(201, again.statusCode(), "a submission refused with 503 was committed after all: "
                    + again.body());
            retried.add(taskId(again));
        }
        long firstAcceptedAfterMs = (System.nanoTime() - freed) / 1_000_000;

        List<String> all = new ArrayList<>(inFlight);
        all.addAll(acceptedWhileFull);
        all.addAll(retried);
        int echo = 0;
        for (String taskId : all) {
            JsonNode detail = app.awaitTerminal(taskId, Duration.ofSeconds(60));
            assertEquals("SUCCEEDED", detail.path("task").path("status").asText(), detail.toString());
            for (JsonNode event : detail.path("events")) {
                if (event.path("type").asText().equals("MODEL_CALL_COMPLETED")
                        && event.path("payload").path("is_fallback").asBoolean()) {
                    echo++;
                }
            }
        }
        for (int i = 0; i < IN_FLIGHT; i++) {
            assertEquals(1, proxy.countRequestsMatching(postRequestedFor(urlEqualTo("/chat/completions"))
                            .withRequestBody(containing("a question " + i + "\"")).build()).getCount(),
                    "an in-flight task whose answer met the full disk is still paid for exactly once");
        }
        assertEquals(0, echo, "no task may be answered by the echo fallback");
        System.out.printf("[DiskFullIT] %d in flight at the fill, %d submissions refused (503) and %d accepted while "
                        + "full; ready %d ms after the space was freed, refused ones accepted by %d ms; %d tasks "
                        + "SUCCEEDED, %d echo fallbacks, 1 proxy call per in-flight task%n", inFlight.size(),
                refused.size(), acceptedWhileFull.size(), readyAfterMs, firstAcceptedAfterMs, all.size(), echo);
    }

    private HttpResponse<String> submit(String key, String text) throws IOException, InterruptedException {
        return TestHttp.postJson(http, app.baseUrl() + "/api/message",
                mapper.writeValueAsString(Map.of("text", text, "idempotency_key", key)));
    }

    private String taskId(HttpResponse<String> created) throws IOException {
        return mapper.readTree(created.body()).path("task_id").asText();
    }

    /** Writes files until the filesystem says it is full: big chunks, then smaller ones for the rest. */
    private static List<Path> fill(Path directory) {
        List<Path> fillers = new ArrayList<>();
        for (int size : new int[] {64 * 1024, 4 * 1024, 1}) {
            Path filler = directory.resolve("filler-" + size);
            fillers.add(filler);
            byte[] chunk = new byte[size];
            try (OutputStream out = Files.newOutputStream(filler)) {
                while (true) {
                    out.write(chunk);
                    out.flush();
                }
            } catch (IOException full) {
                // ENOSPC: full at this granularity
            }
        }
        return fillers;
    }
}
