package io.octoagent.gateway.task;

import static io.octoagent.gateway.support.ProxyReplies.completionFor;
import static io.octoagent.gateway.support.ProxyReplies.success;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
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
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sqlite.JDBC;

/**
 * A crash loop: the packaged jar is SIGKILLed again and again while clients submit, then started
 * once more and left to finish. A restart must feed the unfinished tasks through the concurrency
 * limit (only the calls that were in flight at a kill are made again), and artifact files written
 * but never committed must be removed at startup. {@code -Dcrashloop.kills=10} runs the long
 * version; CI runs three kills.
 */
class CrashLoopIT {

    private static final int KILLS = Integer.getInteger("crashloop.kills", 3);
    private static final int MAX_CONCURRENCY = 8;
    private static final int SUBMITTERS = 4;
    private static final int TASKS_PER_SUBMITTER_AND_RUN = 30;
    /** Longer than the inline limit: the request and the answer of every task are files. */
    private static final String PADDING = "p".repeat(5_000);
    private static final Pattern MARKER = Pattern.compile("crashloop-[0-9a-f]{8}-\\d+-\\d+-\\d+");

    private final ObjectMapper mapper = new ObjectMapper();
    private final HttpClient http = TestHttp.newClient();
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private WireMockServer proxy;
    private Path dataDir;
    private PackagedApp app;
    private Map<String, String> env;

    @BeforeEach
    void setUp() throws IOException {
        PackagedApp.assertBuilt();
        proxy = LiteLlmProxyStub.standalone();
        proxy.stubFor(completionFor("main").willReturn(success("a".repeat(6_000), "gpt-4o", "main",
                LiteLlmProxyStub.MAIN_ID, "0.0001", 10, 1500).withFixedDelay(300)));
        dataDir = Files.createTempDirectory("octoagent-crashloop-");
        env = Map.of("LITELLM_PROXY_URL", proxy.baseUrl(), "LITELLM_PROXY_KEY", LiteLlmProxyStub.PROXY_KEY,
                "OCTOAGENT_LLM_MAX_CONCURRENCY", String.valueOf(MAX_CONCURRENCY));
    }

    @AfterEach
    void tearDown() throws IOException {
        if (app != null) {
            app.close();
        }
        proxy.stop();
        TestFiles.deleteTree(dataDir);
    }

    @Test
    void aCrashLoopNeitherFloodsTheProxyNorLeavesOrphanFiles() throws Exception {
        Map<String, String> acked = new ConcurrentHashMap<>(); // marker -> task id
        for (int kill = 1; kill <= KILLS; kill++) {
            app = PackagedApp.start(dataDir, env, Path.of("target", "crashloop-" + kill + ".log"));
            app.awaitHealthy(Duration.ofSeconds(60));
            // SIGKILL in the middle of the submissions: calls in flight, answers being written, a backlog.
            AtomicBoolean killed = new AtomicBoolean();
            List<Thread> submitters = submitConcurrently(kill, acked, killed);
            int target = acked.size() + SUBMITTERS * TASKS_PER_SUBMITTER_AND_RUN / 2;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (acked.size() < target && System.nanoTime() < deadline) {
                Pause.millis(5);
            }
            killed.set(true);
            app.kill();
            assertTrue(app.awaitExit(Duration.ofSeconds(30)));
            for (Thread submitter : submitters) {
                submitter.join();
            }
        }

        Path finalLog = Path.of("target", "crashloop-final.log");
        app = PackagedApp.start(dataDir, env, finalLog);
        app.awaitHealthy(Duration.ofSeconds(60));
        awaitNothingUnfinished();

        Map<String, Integer> callsByTask = callsPerMarker();
        int calls = callsByTask.values().stream().mapToInt(Integer::intValue).sum();
        int interrupted = 0;
        for (Map.Entry<String, String> task : acked.entrySet()) {
            JsonNode detail = mapper.readTree(TestHttp.get(http, app.baseUrl() + "/api/tasks/" + task.getValue()).body());
            assertEquals("SUCCEEDED", detail.path("task").path("status").asText(), detail.toString());
            for (JsonNode event : detail.path("events")) {
                JsonNode payload = event.path("payload");
                if (event.path("type").asText().equals("MODEL_CALL_FAILED")
                        && payload.path("error_type").asText().equals("interrupted")) {
                    interrupted++;
                }
                if (event.path("type").asText().equals("MODEL_CALL_COMPLETED")) {
                    assertEquals(false, payload.path("is_fallback").asBoolean(), payload.toString());
                }
            }
        }
        int removedAtStarts = removedOrphans();
        app.terminate();
        assertTrue(app.awaitExit(Duration.ofSeconds(30)));
        int orphansLeft = orphanFiles();

        int tasksCalled = callsByTask.size();
        int repeated = calls - tasksCalled;
        int maxPerTask = callsByTask.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        System.out.printf("[CrashLoopIT] %d kills, %d acknowledged tasks, %d proxy calls for %d tasks (%d repeated, "
                        + "at most %d for one task, %.2f calls per task), %d interrupted calls closed; orphan files removed "
                        + "at the restarts: %d, left at the end: %d%n", KILLS, acked.size(), calls, tasksCalled, repeated,
                maxPerTask, tasksCalled == 0 ? 0.0 : (double) calls / tasksCalled, interrupted, removedAtStarts,
                orphansLeft);

        assertTrue(acked.size() >= KILLS * SUBMITTERS * TASKS_PER_SUBMITTER_AND_RUN / 2, "too few tasks acknowledged for the test to mean much: " + acked.size());
        assertTrue(repeated <= KILLS * MAX_CONCURRENCY, "a restart must only repeat the calls in flight at the kill"
                + " (at most " + MAX_CONCURRENCY + " per kill): " + repeated + " repeated calls after " + KILLS + " kills");
        assertEquals(0, orphansLeft, "artifact files without a committed row are left behind");
    }

    private List<Thread> submitConcurrently(int kill, Map<String, String> acked, AtomicBoolean killed) {
        List<Thread> submitters = new ArrayList<>();
        for (int s = 0; s < SUBMITTERS; s++) {
            int submitter = s;
            Thread thread = new Thread(() -> {
                for (int n = 0; n < TASKS_PER_SUBMITTER_AND_RUN && !killed.get(); n++) {
                    String marker = "crashloop-" + run + "-" + kill + "-" + submitter + "-" + n;
                    try {
                        HttpResponse<String> created = TestHttp.postJson(http, app.baseUrl() + "/api/message",
                                mapper.writeValueAsString(Map.of("text", marker + " " + PADDING,
                                        "idempotency_key", marker)));
                        if (created.statusCode() == 201) {
                            acked.put(marker, mapper.readTree(created.body()).path("task_id").asText());
                        }
                    } catch (IOException e) {
                        return;
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            });
            submitters.add(thread);
            thread.start();
        }
        return submitters;
    }

    private void awaitNothingUnfinished() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            int unfinished = 0;
            for (String status : new String[] {"CREATED", "RUNNING"}) {
                unfinished += mapper.readTree(TestHttp.get(http, app.baseUrl() + "/api/tasks?limit=500&status="
                        + status).body()).path("tasks").size();
            }
            if (unfinished == 0) {
                return;
            }
            Pause.millis(200);
        }
        throw new AssertionError("tasks still unfinished two minutes after the last start; log " + app.log());
    }

    /** The orphan files the restarts reported removing (their "Removed N orphan artifact file(s)" lines). */
    private static int removedOrphans() throws IOException {
        Pattern removed = Pattern.compile("Removed (\\d+) orphan artifact");
        int total = 0;
        try (Stream<Path> logs = Files.list(Path.of("target"))) {
            for (Path log : logs.filter(p -> p.getFileName().toString().startsWith("crashloop-")).collect(
                    Collectors.toList())) {
                for (String line : Files.readAllLines(log)) {
                    Matcher count = removed.matcher(line);
                    if (count.find()) {
                        total += Integer.parseInt(count.group(1));
                    }
                }
            }
        }
        return total;
    }

    private Map<String, Integer> callsPerMarker() {
        Map<String, Integer> calls = new HashMap<>();
        for (ServeEvent event : proxy.getAllServeEvents()) {
            if (event.getRequest().getUrl().equals("/chat/completions")) {
                Matcher marker = MARKER.matcher(event.getRequest().getBodyAsString());
                if (marker.find()) {
                    calls.merge(marker.group(), 1, Integer::sum);
                }
            }
        }
        return calls;
    }

    /** Files under artifacts/ that no artifacts row references. */
    private int orphanFiles() throws Exception {
        Path root = dataDir.resolve("artifacts");
        if (!Files.isDirectory(root)) {
            return 0;
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(Files::isRegularFile).collect(Collectors.toList());
        }
        int orphans = 0;
        try (Connection db = JDBC.createConnection("jdbc:sqlite:" + dataDir.resolve("octoagent.db"), new java.util.Properties());
             PreparedStatement find = db.prepareStatement("SELECT 1 FROM artifacts WHERE storage_ref = ?")) {
            for (Path file : files) {
                find.setString(1, dataDir.relativize(file).toString().replace('\\', '/'));
                try (ResultSet row = find.executeQuery()) {
                    if (!row.next()) {
                        orphans++;
                    }
                }
            }
        }
        return orphans;
    }
}
