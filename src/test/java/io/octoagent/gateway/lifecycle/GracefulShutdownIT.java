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
import io.octoagent.gateway.support.PackagedApp;
import io.octoagent.gateway.support.Pause;
import io.octoagent.gateway.support.ProxyReplies;
import io.octoagent.gateway.support.TestFiles;
import io.octoagent.gateway.support.TestHttp;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
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

    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
    /** What {@code Process.exitValue()} reports on Linux for a JVM that ran its hooks after SIGTERM (128 + 15). */
    private static final int EXIT_BY_SIGTERM = 128 + 15;
    private static final String PROXY_CONTENT = "drained answer from the proxy";

    private final ObjectMapper mapper = new ObjectMapper();
    private final String runId = UUID.randomUUID().toString().substring(0, 8);
    private final HttpClient client = TestHttp.newClient();
    private final List<PackagedApp> apps = new ArrayList<>();
    private final AtomicBoolean stopProbe = new AtomicBoolean();
    private Thread probeThread;
    private WireMockServer proxy;
    private Path dataDir;
    private boolean passed;

    @BeforeEach
    void setUp() throws IOException {
        PackagedApp.assertBuilt();
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
        apps.forEach(PackagedApp::close);
        if (proxy != null) {
            proxy.stop();
        }
        if (passed) {
            TestFiles.deleteTree(dataDir);
        } else if (dataDir != null) {
            System.out.println("[GracefulShutdownIT] data directory kept for diagnosis: " + dataDir);
        }
    }

    // ------------------------------------------------------------------------------------------
    // Scenario A: the in-flight calls finish within the grace period

    @Test
    void inFlightTasksFinishThroughTheProxyDuringTheGrace() throws Exception {
        Scenario scenario = new Scenario("A", 6, 3_000, "20s");
        PackagedApp app = startAgainstProxy(scenario);
        Path firstLog = app.log();

        HttpResponse<String> readyBefore = TestHttp.get(client, app.baseUrl() + "/q/health/ready");
        assertEquals(200, readyBefore.statusCode(), "/q/health/ready before the SIGTERM (it must not depend on the"
                + " proxy): " + readyBefore.body() + " (log: " + firstLog + ")");

        Map<String, String> taskByKey = submitAndAwaitModelCalls(app, scenario);
        List<String> acked = new ArrayList<>(taskByKey.values());
        assertTrue(app.isAlive(), "the application died before the SIGTERM (log: " + firstLog + ")");

        Shutdown shutdown = sigterm(app, scenario, Duration.ofSeconds(40));
        assertFalse(probeThread.isAlive(), "the shutdown probe did not stop");
        assertTrue(shutdown.exited(), "the application did not exit within 40 s of SIGTERM (log: " + firstLog + ")");
        reportAndAssertCleanExit(app, scenario, shutdown);
        shutdown.probe().assertShutdownBehaviour(firstLog);

        for (String key : taskByKey.keySet()) {
            assertEquals(1, proxy.findAll(postRequestedFor(urlEqualTo("/chat/completions"))
                            .withRequestBody(containing(key))).size(),
                    "the proxy should have received exactly one call for the task of key " + key);
        }

        // Restart in echo mode: a task finished during the grace keeps the proxy's answer; a task
        // that was not finished would be resumed and answered by echo instead.
        List<String> lateIds = shutdown.probe().createdIds();
        PackagedApp second = startHealthy(scenario.name() + "-2", echoEnv());
        Path secondLog = second.log();
        Map<String, JsonNode> details = awaitTerminal(second, concat(acked, lateIds), Duration.ofSeconds(30));
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
        for (String taskId : lateIds) {
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
        Scenario scenario = new Scenario("B", 3, 8_000, "1s");
        long callDelayMs = scenario.callDelayMs();
        PackagedApp app = startAgainstProxy(scenario);
        Path firstLog = app.log();

        List<String> acked = new ArrayList<>(submitAndAwaitModelCalls(app, scenario).values());

        Shutdown shutdown = sigterm(app, scenario, Duration.ofSeconds(15));
        assertTrue(shutdown.exited(), "with a 1 s grace the application should exit within 15 s of SIGTERM, even"
                + " with model calls of " + callDelayMs + " ms in flight (log: " + firstLog + ")");
        reportAndAssertCleanExit(app, scenario, shutdown);
        assertTrue(shutdown.millis() < callDelayMs, "the shutdown took " + shutdown.millis() + " ms: it waited for the "
                + callDelayMs + " ms calls instead of stopping after the 1 s grace (log: " + firstLog + ")");
        shutdown.probe().assertShutdownBehaviour(firstLog);

        List<String> all = concat(acked, shutdown.probe().createdIds());
        PackagedApp second = startHealthy(scenario.name() + "-2", echoEnv());
        Path secondLog = second.log();
        Map<String, JsonNode> details = awaitTerminal(second, all, Duration.ofSeconds(30));
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
    // The steps both scenarios share

    /** What sets the scenarios apart: tasks in flight, how long the proxy takes per call, the grace. */
    private record Scenario(String name, int tasks, long callDelayMs, String grace) {
        /** Lower-case name, for idempotency keys and thread names. */
        String prefix() {
            return name.toLowerCase(Locale.ROOT);
        }
    }

    /** How the SIGTERM went: whether the process exited in time, after how long, and what the probe saw. */
    private record Shutdown(ShutdownProbe probe, boolean exited, long millis) {
    }

    /** Starts the jar against the proxy stub, whose completions take the scenario's call delay. */
    private PackagedApp startAgainstProxy(Scenario scenario) throws IOException, InterruptedException {
        stubCompletions(scenario.callDelayMs());
        return startHealthy(scenario.name() + "-1", litellmEnv("15", scenario.grace()));
    }

    /** Submits the scenario's tasks (each must get a 201) and waits until every model call is in flight. */
    private Map<String, String> submitAndAwaitModelCalls(PackagedApp app, Scenario scenario) throws Exception {
        Map<String, String> taskByKey = new LinkedHashMap<>();
        for (int i = 0; i < scenario.tasks(); i++) {
            String key = "shutdown-" + scenario.prefix() + "-" + runId + "-" + i;
            taskByKey.put(key, submitCreated(app, key));
        }
        awaitEventOnAll(app, new ArrayList<>(taskByKey.values()), "MODEL_CALL_STARTED", Duration.ofSeconds(15));
        return taskByKey;
    }

    /** Sends SIGTERM with the probe running, waits up to {@code exitTimeout} for the exit, then for the probe. */
    private Shutdown sigterm(PackagedApp app, Scenario scenario, Duration exitTimeout) throws InterruptedException {
        ShutdownProbe probe = startProbe(app, scenario.prefix());
        long sigterm = System.nanoTime();
        // terminate() is Process.destroy(), i.e. kill(pid, SIGTERM) on Linux: the JVM runs its
        // shutdown hooks, which is what Kubernetes does too.
        app.terminate();
        boolean exited = app.awaitExit(exitTimeout);
        long shutdownMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sigterm);
        probeThread.join(TimeUnit.SECONDS.toMillis(10));
        return new Shutdown(probe, exited, shutdownMs);
    }

    /** Prints how the shutdown went; then the exit code must be that of a clean shutdown. */
    private static void reportAndAssertCleanExit(PackagedApp app, Scenario scenario, Shutdown shutdown) {
        int exitCode = app.exitCode();
        System.out.printf("[GracefulShutdownIT] %s: exit code %d after %d ms (grace %s, calls %d ms); %s%n",
                scenario.name(), exitCode, shutdown.millis(), scenario.grace(), scenario.callDelayMs(),
                shutdown.probe().summary());
        // 143 = the JVM ended by SIGTERM after running its shutdown hooks; 0 if the runtime itself exits.
        assertTrue(exitCode == EXIT_BY_SIGTERM || exitCode == 0, "the application should end with "
                + EXIT_BY_SIGTERM + " (SIGTERM) after a clean shutdown, got " + exitCode + "; log " + app.log()
                + ":\n" + app.logTail());
    }

    private ShutdownProbe startProbe(PackagedApp app, String prefix) {
        ShutdownProbe probe = new ShutdownProbe(app, prefix);
        probeThread = new Thread(probe, "shutdown-probe-" + prefix);
        probeThread.setDaemon(true);
        probeThread.start();
        return probe;
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
        private final PackagedApp app;
        private final String base;
        private final String prefix;
        private final long since = System.nanoTime();
        private final List<Outcome> outcomes = new ArrayList<>();
        private final List<String> createdIds = new ArrayList<>();
        private final HttpClient client = TestHttp.newClient();

        ShutdownProbe(PackagedApp app, String prefix) {
            this.app = app;
            this.base = app.baseUrl();
            this.prefix = prefix;
        }

        @Override
        public void run() {
            int n = 0;
            while (app.isAlive() && !stopProbe.get()) {
                String key = "late-" + prefix + "-" + runId + "-" + (n++);
                record("POST", () -> TestHttp.postJson(client, base + "/api/message", body(key), Duration.ofSeconds(5)));
                record("READY", () -> TestHttp.get(client, base + "/q/health/ready", Duration.ofSeconds(5)));
                Pause.millis(25);
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

    // ------------------------------------------------------------------------------------------
    // helpers: the API

    private void stubCompletions(long delayMs) {
        proxy.stubFor(ProxyReplies.completionFor("main").willReturn(ProxyReplies.success(PROXY_CONTENT, "gpt-4o",
                "main", LiteLlmProxyStub.MAIN_ID, "3.5e-05", 12, 30).withFixedDelay((int) delayMs)));
    }

    private String submitCreated(PackagedApp app, String key) throws Exception {
        HttpResponse<String> response = TestHttp.postJson(client, app.baseUrl() + "/api/message", body(key));
        assertEquals(201, response.statusCode(), "submitting " + key + " before the SIGTERM: " + response.body()
                + " (log: " + app.log() + ")");
        String taskId = parse(response.body()).path("task_id").asText();
        assertFalse(taskId.isEmpty(), "no task_id in " + response.body());
        return taskId;
    }

    private void awaitEventOnAll(PackagedApp app, List<String> taskIds, String type, Duration timeout)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> waiting = new ArrayList<>(taskIds);
        Map<String, JsonNode> last = new LinkedHashMap<>();
        while (!waiting.isEmpty() && System.nanoTime() < deadline) {
            for (String taskId : new ArrayList<>(waiting)) {
                JsonNode detail = detail(app, taskId);
                last.put(taskId, detail);
                if (count(detail, type) > 0) {
                    waiting.remove(taskId);
                }
            }
            if (!waiting.isEmpty()) {
                Pause.millis(50);
            }
        }
        if (!waiting.isEmpty()) {
            fail(waiting.size() + " task(s) without " + type + " after " + timeout.toSeconds() + " s: "
                    + waiting.stream().map(id -> id + " " + types(last.get(id))).collect(Collectors.toList())
                    + " (log: " + app.log() + ")");
        }
    }

    private Map<String, JsonNode> awaitTerminal(PackagedApp app, List<String> taskIds, Duration timeout)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, JsonNode> details = new LinkedHashMap<>();
        while (true) {
            List<String> pending = new ArrayList<>();
            for (String taskId : taskIds) {
                JsonNode detail = detail(app, taskId);
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
                        + " restart: " + pending + " (log: " + app.log() + ")");
            }
            Pause.millis(100);
        }
    }

    private JsonNode detail(PackagedApp app, String taskId) throws Exception {
        HttpResponse<String> response = TestHttp.get(client, app.baseUrl() + "/api/tasks/" + taskId);
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

    // ------------------------------------------------------------------------------------------
    // helpers: the child process

    /** Starts the jar on the test's data directory and waits until GET /health answers 200. */
    private PackagedApp startHealthy(String label, Map<String, String> env) throws IOException, InterruptedException {
        PackagedApp app = PackagedApp.start(dataDir, env, log(label));
        apps.add(app); // tearDown kills whatever still runs
        app.awaitHealthy(STARTUP_TIMEOUT);
        return app;
    }

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

    // ------------------------------------------------------------------------------------------
    // helpers: small things

    private static String body(String key) {
        return "{\"text\": \"graceful shutdown check " + key + "\", \"idempotency_key\": \"" + key + "\"}";
    }

    private static List<String> concat(List<String> first, List<String> second) {
        List<String> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }
}
