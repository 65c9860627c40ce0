package io.octoagent.gateway.lifecycle;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.octoagent.gateway.support.LiteLlmProxyStub;
import io.octoagent.gateway.support.ProxyReplies;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * §5 "Shutdown (SIGTERM): readiness goes DOWN first, in-flight calls get a grace period, nothing
 * acknowledged is lost", checked black-box against the packaged jar with a WireMock server standing
 * in for the LiteLLM proxy.
 *
 * <ul>
 *   <li>Calls shorter than the grace finish during the shutdown, through the real (stubbed) proxy,
 *       while new submissions get 503 {@code SHUTTING_DOWN} and {@code /q/health/ready} is 503.</li>
 *   <li>Calls longer than the grace are abandoned at exit and resumed at the next start: the
 *       dangling call is closed with MODEL_CALL_FAILED {@code interrupted} and called again.</li>
 * </ul>
 *
 * <p>Plain JUnit (no Quarkus test annotations): the test owns the child processes. Needs
 * {@code target/quarkus-app/quarkus-run.jar}, which {@code ./mvnw verify} builds in the package
 * phase before failsafe runs this class. The application's output goes to
 * {@code target/graceful-shutdown-*.log}.
 */
class GracefulShutdownIT {

    private static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
    /** What {@code Process.exitValue()} reports on Linux for a JVM that ran its hooks after SIGTERM (128 + 15). */
    private static final int EXIT_BY_SIGTERM = 128 + 15;
    private static final String PROXY_CONTENT = "drained answer from the proxy";

    private final ObjectMapper mapper = new ObjectMapper();
    private final String runId = UUID.randomUUID().toString().substring(0, 8);
    private final List<Process> processes = new ArrayList<>();
    private final AtomicBoolean stopProbe = new AtomicBoolean();
    private Thread probeThread;
    private WireMockServer proxy;
    private Path dataDir;
    private boolean passed;

    @BeforeEach
    void setUp() throws IOException {
        assertTrue(Files.isRegularFile(JAR), "missing " + JAR.toAbsolutePath()
                + " (working directory " + Path.of("").toAbsolutePath() + "); build it with ./mvnw package");
        dataDir = Files.createTempDirectory("octoagent-shutdown-");
        proxy = new WireMockServer(options().dynamicPort());
        proxy.start();
        LiteLlmProxyStub.stubModelInfo(proxy);
        LiteLlmProxyStub.stubLiveliness(proxy);
    }

    @AfterEach
    void tearDown() throws IOException, InterruptedException {
        stopProbe.set(true);
        if (probeThread != null) {
            probeThread.join(TimeUnit.SECONDS.toMillis(10));
        }
        for (Process process : processes) {
            if (process.isAlive()) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        }
        if (proxy != null) {
            proxy.stop();
        }
        if (passed) {
            deleteTree(dataDir);
        } else if (dataDir != null) {
            System.out.println("[GracefulShutdownIT] data directory kept for diagnosis: " + dataDir);
        }
    }

    // ------------------------------------------------------------------------------------------
    // Scenario A: the in-flight calls finish within the grace period

    @Test
    void inFlightTasksFinishThroughTheProxyDuringTheGrace() throws Exception {
        int tasks = 6;
        long callDelayMs = 3_000;
        stubCompletions(callDelayMs);

        Path firstLog = log("A-1");
        int port = freePort();
        Process app = start(port, firstLog, litellmEnv("15", "20s"));
        awaitHealthy(app, port, firstLog);
        HttpClient client = newClient();
        String base = "http://127.0.0.1:" + port;

        HttpResponse<String> readyBefore = get(client, base + "/q/health/ready");
        assertEquals(200, readyBefore.statusCode(), "/q/health/ready before the SIGTERM (it must not depend on the"
                + " proxy): " + readyBefore.body() + " (log: " + firstLog + ")");

        List<String> acked = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            keys.add("shutdown-a-" + runId + "-" + i);
            acked.add(submitCreated(client, base, keys.get(i), firstLog));
        }
        awaitEventOnAll(client, base, acked, "MODEL_CALL_STARTED", Duration.ofSeconds(15), firstLog);
        assertTrue(app.isAlive(), "the application died before the SIGTERM (log: " + firstLog + ")");

        ShutdownProbe probe = startProbe(app, base, "a");
        long sigterm = System.nanoTime();
        // On Linux, Process.destroy() is ProcessHandleImpl.destroyProcess(pid, force=false), i.e.
        // kill(pid, SIGTERM): the JVM runs its shutdown hooks, which is what Kubernetes does too.
        app.destroy();
        boolean exited = app.waitFor(40, TimeUnit.SECONDS);
        long shutdownMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sigterm);
        probeThread.join(TimeUnit.SECONDS.toMillis(10));
        assertFalse(probeThread.isAlive(), "the shutdown probe did not stop");
        assertTrue(exited, "the application did not exit within 40 s of SIGTERM (log: " + firstLog + ")");
        int exitCode = app.exitValue();
        System.out.printf("[GracefulShutdownIT] A: exit code %d after %d ms (grace 20s, calls %d ms); %s%n",
                exitCode, shutdownMs, callDelayMs, probe.summary());
        assertCleanExit(exitCode, firstLog);
        probe.assertShutdownBehaviour(firstLog);

        for (String key : keys) {
            assertEquals(1, proxy.findAll(postRequestedFor(urlEqualTo("/chat/completions"))
                            .withRequestBody(containing(key))).size(),
                    "the proxy should have received exactly one call for the task of key " + key);
        }

        // Restart in echo mode: a task finished during the grace keeps the proxy's answer; a task
        // that was not finished would be resumed and answered by echo instead.
        Path secondLog = log("A-2");
        int secondPort = freePort();
        Process second = start(secondPort, secondLog, echoEnv());
        awaitHealthy(second, secondPort, secondLog);
        String secondBase = "http://127.0.0.1:" + secondPort;
        List<String> all = new ArrayList<>(acked);
        all.addAll(probe.createdIds());
        Map<String, JsonNode> details = awaitTerminal(client, secondBase, all, Duration.ofSeconds(30), secondLog);
        for (String taskId : acked) {
            JsonNode detail = details.get(taskId);
            String context = "task " + taskId + " (acknowledged before the SIGTERM); events " + types(detail)
                    + " (logs: " + firstLog + ", " + secondLog + ")";
            assertEquals("SUCCEEDED", detail.path("task").path("status").asText(), context);
            assertGapFree(taskId, detail);
            for (JsonNode event : detail.path("events")) {
                if ("MODEL_CALL_FAILED".equals(event.path("type").asText())) {
                    fail(("interrupted".equals(event.path("payload").path("error_type").asText())
                            ? "the call was cut by the shutdown and resumed at restart, although it was shorter"
                            + " than the grace: " : "a model call failed: ") + event.path("payload") + "; " + context);
                }
            }
            assertEquals(1, count(detail, "MODEL_CALL_STARTED"), "exactly one model call expected; " + context);
            JsonNode completed = only(detail, "MODEL_CALL_COMPLETED", context);
            assertFalse(completed.path("payload").path("is_fallback").asBoolean(true),
                    "the answer should come from the proxy, not the fallback: " + completed.path("payload") + "; "
                            + context);
            assertEquals(PROXY_CONTENT, completed.path("payload").path("response_summary").asText(),
                    "the answer should be the proxy's: " + completed.path("payload") + "; " + context);
        }
        for (String taskId : probe.createdIds()) {
            // Only possible in the instant between the signal and the service noticing it; such a
            // task is acknowledged, so it must not be lost either.
            assertEquals("SUCCEEDED", details.get(taskId).path("task").path("status").asText(),
                    "task " + taskId + " got a 201 right after the SIGTERM; events " + types(details.get(taskId)));
        }
        passed = true;
    }

    // ------------------------------------------------------------------------------------------
    // Scenario B: the calls outlast the grace period and are resumed at the next start

    @Test
    void tasksStillRunningAfterTheGraceResumeAtTheNextStart() throws Exception {
        int tasks = 3;
        long callDelayMs = 8_000;
        stubCompletions(callDelayMs);

        Path firstLog = log("B-1");
        int port = freePort();
        Process app = start(port, firstLog, litellmEnv("15", "1s"));
        awaitHealthy(app, port, firstLog);
        HttpClient client = newClient();
        String base = "http://127.0.0.1:" + port;

        List<String> acked = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            acked.add(submitCreated(client, base, "shutdown-b-" + runId + "-" + i, firstLog));
        }
        awaitEventOnAll(client, base, acked, "MODEL_CALL_STARTED", Duration.ofSeconds(15), firstLog);

        ShutdownProbe probe = startProbe(app, base, "b");
        long sigterm = System.nanoTime();
        // Process.destroy() sends SIGTERM on Linux (see scenario A).
        app.destroy();
        boolean exited = app.waitFor(15, TimeUnit.SECONDS);
        long shutdownMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sigterm);
        probeThread.join(TimeUnit.SECONDS.toMillis(10));
        assertTrue(exited, "with a 1 s grace the application should exit within 15 s of SIGTERM, even with model"
                + " calls of " + callDelayMs + " ms in flight (log: " + firstLog + ")");
        int exitCode = app.exitValue();
        System.out.printf("[GracefulShutdownIT] B: exit code %d after %d ms (grace 1s, calls %d ms); %s%n",
                exitCode, shutdownMs, callDelayMs, probe.summary());
        assertCleanExit(exitCode, firstLog);
        assertTrue(shutdownMs < callDelayMs, "the shutdown took " + shutdownMs + " ms: it waited for the " + callDelayMs
                + " ms calls instead of stopping after the 1 s grace (log: " + firstLog + ")");
        probe.assertShutdownBehaviour(firstLog);

        Path secondLog = log("B-2");
        int secondPort = freePort();
        Process second = start(secondPort, secondLog, echoEnv());
        awaitHealthy(second, secondPort, secondLog);
        String secondBase = "http://127.0.0.1:" + secondPort;
        List<String> all = new ArrayList<>(acked);
        all.addAll(probe.createdIds());
        Map<String, JsonNode> details = awaitTerminal(client, secondBase, all, Duration.ofSeconds(30), secondLog);
        for (String taskId : all) {
            JsonNode detail = details.get(taskId);
            String context = "task " + taskId + "; events " + types(detail) + " (logs: " + firstLog + ", "
                    + secondLog + ")";
            assertEquals("SUCCEEDED", detail.path("task").path("status").asText(), context);
            assertGapFree(taskId, detail);
            if (!acked.contains(taskId)) {
                continue; // a 201 in the instant after the signal: only "not lost" is required
            }
            int interrupted = -1;
            int completedAfter = -1;
            JsonNode events = detail.path("events");
            for (int i = 0; i < events.size(); i++) {
                JsonNode event = events.get(i);
                String type = event.path("type").asText();
                if ("MODEL_CALL_FAILED".equals(type)) {
                    assertEquals("interrupted", event.path("payload").path("error_type").asText(),
                            "the only failed call should be the one the shutdown interrupted: " + event.path("payload")
                                    + "; " + context);
                    assertTrue(interrupted < 0, "more than one interrupted call; " + context);
                    interrupted = i;
                } else if ("MODEL_CALL_COMPLETED".equals(type)) {
                    assertTrue(interrupted >= 0, "MODEL_CALL_COMPLETED before any 'interrupted' close: the first run"
                            + " recorded an outcome for the call it should have left to the next start: "
                            + event.path("payload") + "; " + context);
                    completedAfter = i;
                }
            }
            assertTrue(interrupted >= 0, "no MODEL_CALL_FAILED 'interrupted': the call in flight at the SIGTERM was not"
                    + " resumed at the next start; " + context);
            assertTrue(completedAfter > interrupted, "no MODEL_CALL_COMPLETED after the interrupted call; " + context);
            assertEquals(2, count(detail, "MODEL_CALL_STARTED"), "the call should have been made again once; " + context);
            JsonNode completed = events.get(completedAfter).path("payload");
            assertFalse(completed.path("is_fallback").asBoolean(true),
                    "the resumed call runs in echo mode, where echo is the primary, not a fallback: " + completed);
        }
        passed = true;
    }

    // ------------------------------------------------------------------------------------------
    // The probe: new submissions and readiness checks for the whole shutdown

    /** One request made during the shutdown. */
    private record Outcome(long atMs, String what, int status, String code, String failure) {
        @Override
        public String toString() {
            return "+" + atMs + "ms " + what + " " + (failure != null ? failure : status + (code.isEmpty() ? "" : " "
                    + code));
        }
    }

    private final class ShutdownProbe implements Runnable {
        private final Process app;
        private final String base;
        private final String prefix;
        private final long since = System.nanoTime();
        private final List<Outcome> outcomes = new ArrayList<>();
        private final List<String> createdIds = new ArrayList<>();
        private final HttpClient client = newClient();

        ShutdownProbe(Process app, String base, String prefix) {
            this.app = app;
            this.base = base;
            this.prefix = prefix;
        }

        @Override
        public void run() {
            int n = 0;
            while (app.isAlive() && !stopProbe.get()) {
                String key = "late-" + prefix + "-" + runId + "-" + (n++);
                record("POST", () -> client.send(HttpRequest.newBuilder(URI.create(base + "/api/message"))
                        .timeout(Duration.ofSeconds(5))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body(key)))
                        .build(), HttpResponse.BodyHandlers.ofString()));
                record("READY", () -> client.send(HttpRequest.newBuilder(URI.create(base + "/q/health/ready"))
                        .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString()));
                pause(25);
            }
        }

        private void record(String what, Call call) {
            long at;
            Outcome outcome;
            try {
                HttpResponse<String> response = call.send();
                at = elapsedMs();
                String code = "";
                if ("POST".equals(what)) {
                    JsonNode body = parse(response.body());
                    code = response.statusCode() == 201 ? body.path("task_id").asText()
                            : body.path("error").path("code").asText();
                    if (response.statusCode() == 201) {
                        synchronized (this) {
                            createdIds.add(code);
                        }
                    }
                } else if (response.statusCode() != 200 && response.statusCode() != 503) {
                    code = response.body();
                }
                outcome = new Outcome(at, what, response.statusCode(), code, null);
            } catch (IOException e) {
                at = elapsedMs();
                outcome = new Outcome(at, what, -1, "", e instanceof ConnectException ? "refused" : e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            synchronized (this) {
                outcomes.add(outcome);
            }
        }

        private long elapsedMs() {
            return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since);
        }

        synchronized List<String> createdIds() {
            return new ArrayList<>(createdIds);
        }

        synchronized String summary() {
            Map<String, Integer> counts = new LinkedHashMap<>();
            long firstPost503 = -1;
            long lastAnswer = -1;
            long firstReady503 = -1;
            for (Outcome outcome : outcomes) {
                String key = outcome.what() + " " + (outcome.failure() != null
                        ? (outcome.failure().equals("refused") ? "refused" : "io-error")
                        : outcome.status() + ("POST".equals(outcome.what()) && outcome.status() != 201
                        ? " " + outcome.code() : ""));
                counts.merge(key, 1, Integer::sum);
                if (outcome.failure() == null) {
                    lastAnswer = outcome.atMs();
                    if (outcome.status() == 503 && "POST".equals(outcome.what()) && firstPost503 < 0) {
                        firstPost503 = outcome.atMs();
                    }
                    if (outcome.status() == 503 && "READY".equals(outcome.what()) && firstReady503 < 0) {
                        firstReady503 = outcome.atMs();
                    }
                }
            }
            List<String> errors = outcomes.stream().filter(o -> o.failure() != null && !o.failure().equals("refused"))
                    .map(Outcome::toString).limit(3).collect(Collectors.toList());
            return "during the shutdown: " + counts + "; first POST 503 at +" + firstPost503 + " ms, first ready 503 at +"
                    + firstReady503 + " ms, last HTTP answer at +" + lastAnswer + " ms"
                    + (createdIds.isEmpty() ? "" : "; 201 right after the signal: " + createdIds)
                    + (errors.isEmpty() ? "" : "; e.g. " + errors);
        }

        synchronized void assertShutdownBehaviour(Path log) {
            String context = " (" + summary() + "; log: " + log + ")";
            assertFalse(outcomes.isEmpty(), "the probe made no request during the shutdown" + context);
            boolean refusing = false;
            boolean readyDown = false;
            int post503 = 0;
            int ready503 = 0;
            for (Outcome outcome : outcomes) {
                if (outcome.failure() != null) {
                    continue; // refused / reset / closed connection: the server is going away
                }
                assertTrue(outcome.status() < 500 || outcome.status() == 503,
                        "a " + outcome.status() + " during the shutdown: " + outcome + context);
                if ("POST".equals(outcome.what())) {
                    if (outcome.status() == 201) {
                        // The signal is asynchronous: a submission may still be taken in the instant
                        // before the service notices it, never once it has refused one or gone unready.
                        assertFalse(refusing || readyDown, "a submission was accepted (201) after the service"
                                + " had started refusing them or gone unready: " + outcome + context);
                        continue;
                    }
                    assertEquals(503, outcome.status(), "a new submission during the shutdown should get 503: "
                            + outcome + context);
                    assertEquals("SHUTTING_DOWN", outcome.code(), "503 without error.code SHUTTING_DOWN: " + outcome
                            + context);
                    refusing = true;
                    post503++;
                } else {
                    if (outcome.status() == 503) {
                        readyDown = true;
                        ready503++;
                    } else {
                        assertEquals(200, outcome.status(), "/q/health/ready: " + outcome + context);
                        assertFalse(readyDown, "readiness came back UP during the shutdown: " + outcome + context);
                    }
                }
            }
            assertTrue(post503 > 0, "no 503 SHUTTING_DOWN was seen: the HTTP server did not keep answering during"
                    + " the drain" + context);
            assertTrue(ready503 > 0, "/q/health/ready never answered 503 before the process exited" + context);
        }
    }

    @FunctionalInterface
    private interface Call {
        HttpResponse<String> send() throws IOException, InterruptedException;
    }

    private ShutdownProbe startProbe(Process app, String base, String prefix) {
        ShutdownProbe probe = new ShutdownProbe(app, base, prefix);
        probeThread = new Thread(probe, "shutdown-probe-" + prefix);
        probeThread.setDaemon(true);
        probeThread.start();
        return probe;
    }

    // ------------------------------------------------------------------------------------------
    // helpers: the API

    private void stubCompletions(long delayMs) {
        proxy.stubFor(ProxyReplies.completionFor("main").willReturn(ProxyReplies.success(PROXY_CONTENT, "gpt-4o",
                "main", LiteLlmProxyStub.MAIN_ID, "3.5e-05", 12, 30).withFixedDelay((int) delayMs)));
    }

    private String submitCreated(HttpClient client, String base, String key, Path log) throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(base + "/api/message"))
                        .timeout(Duration.ofSeconds(20))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body(key)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, response.statusCode(), "submitting " + key + " before the SIGTERM: " + response.body()
                + " (log: " + log + ")");
        String taskId = parse(response.body()).path("task_id").asText();
        assertFalse(taskId.isEmpty(), "no task_id in " + response.body());
        return taskId;
    }

    private void awaitEventOnAll(HttpClient client, String base, List<String> taskIds, String type, Duration timeout,
                                 Path log) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> waiting = new ArrayList<>(taskIds);
        Map<String, JsonNode> last = new LinkedHashMap<>();
        while (!waiting.isEmpty() && System.nanoTime() < deadline) {
            for (String taskId : new ArrayList<>(waiting)) {
                JsonNode detail = detail(client, base, taskId);
                last.put(taskId, detail);
                if (count(detail, type) > 0) {
                    waiting.remove(taskId);
                }
            }
            if (!waiting.isEmpty()) {
                pause(50);
            }
        }
        if (!waiting.isEmpty()) {
            fail(waiting.size() + " task(s) without " + type + " after " + timeout.toSeconds() + " s: "
                    + waiting.stream().map(id -> id + " " + types(last.get(id))).collect(Collectors.toList())
                    + " (log: " + log + ")");
        }
    }

    private Map<String, JsonNode> awaitTerminal(HttpClient client, String base, List<String> taskIds,
                                                Duration timeout, Path log) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, JsonNode> details = new LinkedHashMap<>();
        while (true) {
            List<String> pending = new ArrayList<>();
            for (String taskId : taskIds) {
                JsonNode detail = detail(client, base, taskId);
                details.put(taskId, detail);
                String status = detail.path("task").path("status").asText();
                if (status.equals("CREATED") || status.equals("RUNNING")) {
                    pending.add(taskId + " " + status + " " + types(detail));
                }
            }
            if (pending.isEmpty()) {
                return details;
            }
            if (System.nanoTime() > deadline) {
                fail(pending.size() + " acknowledged task(s) not terminal " + timeout.toSeconds() + " s after the"
                        + " restart: " + pending + " (log: " + log + ")");
            }
            pause(100);
        }
    }

    private JsonNode detail(HttpClient client, String base, String taskId) throws Exception {
        HttpResponse<String> response = get(client, base + "/api/tasks/" + taskId);
        assertEquals(200, response.statusCode(), "GET /api/tasks/" + taskId + " (an acknowledged task) -> "
                + response.body());
        return parse(response.body());
    }

    private JsonNode parse(String body) {
        try {
            return mapper.readTree(body);
        } catch (IOException e) {
            return mapper.createObjectNode().put("unparsable_body", body);
        }
    }

    private static void assertGapFree(String taskId, JsonNode detail) {
        JsonNode events = detail.path("events");
        assertTrue(events.size() > 0, "task " + taskId + " has no events");
        for (int i = 0; i < events.size(); i++) {
            assertEquals(i + 1, events.get(i).path("task_seq").asInt(), "task " + taskId + ": task_seq must be 1.."
                    + events.size() + " with no gap or repeat; events " + types(detail));
        }
    }

    private static int count(JsonNode detail, String type) {
        int n = 0;
        for (JsonNode event : detail.path("events")) {
            if (type.equals(event.path("type").asText())) {
                n++;
            }
        }
        return n;
    }

    private static JsonNode only(JsonNode detail, String type, String context) {
        JsonNode found = null;
        for (JsonNode event : detail.path("events")) {
            if (type.equals(event.path("type").asText())) {
                assertTrue(found == null, "more than one " + type + "; " + context);
                found = event;
            }
        }
        assertTrue(found != null, "no " + type + "; " + context);
        return found;
    }

    private static List<String> types(JsonNode detail) {
        List<String> types = new ArrayList<>();
        if (detail != null) {
            detail.path("events").forEach(event -> types.add(event.path("task_seq").asInt() + ":"
                    + event.path("type").asText()
                    + ("MODEL_CALL_FAILED".equals(event.path("type").asText())
                    ? "(" + event.path("payload").path("error_type").asText() + ")" : "")));
        }
        return types;
    }

    private static void assertCleanExit(int exitCode, Path log) {
        // 143 = the JVM ended by SIGTERM after running its shutdown hooks; 0 if the runtime itself exits.
        assertTrue(exitCode == EXIT_BY_SIGTERM || exitCode == 0, "the application should end with "
                + EXIT_BY_SIGTERM + " (SIGTERM) after a clean shutdown, got " + exitCode + "; log " + log + ":\n"
                + tail(log));
    }

    // ------------------------------------------------------------------------------------------
    // helpers: the child process

    private Map<String, String> litellmEnv(String timeoutS, String grace) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("OCTOAGENT_LLM_MODE", "litellm");
        env.put("LITELLM_PROXY_URL", proxy.baseUrl());
        env.put("OCTOAGENT_LLM_TIMEOUT_S", timeoutS);
        env.put("OCTOAGENT_SHUTDOWN_GRACE", grace);
        return env;
    }

    private static Map<String, String> echoEnv() {
        return Map.of("OCTOAGENT_LLM_MODE", "echo");
    }

    private Path log(String label) {
        return Path.of("target", "graceful-shutdown-" + runId + "-" + label + ".log");
    }

    private Process start(int port, Path log, Map<String, String> env) throws IOException {
        Files.createDirectories(log.toAbsolutePath().getParent());
        ProcessBuilder builder = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dquarkus.http.port=" + port,
                "-jar", JAR.toString());
        // Only the settings of this test: nothing inherited from the shell that runs the build.
        builder.environment().keySet().removeIf(name -> name.startsWith("OCTOAGENT_") || name.startsWith("LITELLM_"));
        builder.environment().putAll(env);
        builder.environment().put("OCTOAGENT_DATA_DIR", dataDir.toString());
        builder.redirectErrorStream(true);
        builder.redirectOutput(log.toFile());
        System.out.println("[GracefulShutdownIT] starting the jar on port " + port + ", " + env + ", data " + dataDir
                + ", log " + log);
        Process process = builder.start();
        processes.add(process);
        return process;
    }

    private void awaitHealthy(Process process, int port, Path log) throws InterruptedException {
        HttpClient client = newClient();
        URI health = URI.create("http://127.0.0.1:" + port + "/health");
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        String last = "no answer yet";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                fail("the application exited with " + process.exitValue() + " before it was healthy; log "
                        + log.toAbsolutePath() + ":\n" + tail(log));
            }
            try {
                HttpResponse<String> response = client.send(HttpRequest.newBuilder(health)
                        .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
                last = response.statusCode() + " " + response.body();
            } catch (IOException e) {
                last = e.toString();
            }
            pause(100);
        }
        fail("GET /health did not answer 200 within " + STARTUP_TIMEOUT.toSeconds() + " s (last: " + last + "); log "
                + log.toAbsolutePath() + ":\n" + tail(log));
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    // ------------------------------------------------------------------------------------------
    // helpers: small things

    private static HttpClient newClient() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2))
                .build();
    }

    private static HttpResponse<String> get(HttpClient client, String uri) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(20)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String body(String key) {
        return "{\"text\": \"graceful shutdown check " + key + "\", \"idempotency_key\": \"" + key + "\"}";
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.deleteIfExists(path);
            }
        }
    }
}
