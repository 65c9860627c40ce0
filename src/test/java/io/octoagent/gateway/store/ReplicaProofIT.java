package io.octoagent.gateway.store;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.octoagent.gateway.budget.BudgetedProxy.CHEAP_WORST;
import static io.octoagent.gateway.budget.BudgetedProxy.MAX_TOKENS;
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
import io.octoagent.gateway.support.SseClient;
import io.octoagent.gateway.support.TestFiles;
import io.octoagent.gateway.support.TestHttp;
import io.octoagent.gateway.support.TestPostgres;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Three packaged jars on one PostgreSQL database behind a LiteLLM Proxy stub: a stream on one
 * replica follows a task another replica works; one key sent to all three at once makes one
 * task; 1,000 tasks are submitted round-robin (some
 * keys sent twice, to different replicas) while one replica is SIGKILLed and restarted; then
 * a budget is spent from all three at once. Checked in the database afterwards: every
 * acknowledged task terminal, one task per key, gap-free {@code task_seq}, exactly one
 * completed call per task (a repeat only after a visible {@code interrupted} close), no lease
 * left, and the budget never overshot.
 */
class ReplicaProofIT {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int REPLICAS = 3;
    private static final int TASKS = 1_000;
    private static final int CLIENTS = 12;
    private static final int KILL_AFTER = 400;
    private static final int BUDGET_CALLS = 5;
    private static final Duration STARTUP = Duration.ofSeconds(90);

    private final String runId = Long.toString(System.nanoTime(), 36);
    private final List<PackagedApp> apps = new ArrayList<>();
    private final List<Path> dirs = new ArrayList<>();
    private WireMockServer proxy;
    private String database;
    private Map<String, String> env;

    @BeforeEach
    void setUp() throws IOException {
        PackagedApp.assertBuilt();
        database = TestPostgres.createDatabase("replicas");
        proxy = LiteLlmProxyStub.standalone();
        // Every answer takes a while, so calls are in flight when a replica dies.
        proxy.stubFor(completionFor("cheap").willReturn(success("done", "gpt-4o-mini", "cheap", CHEAP_ID,
                usd(CHEAP_WORST), 10, 20).withUniformRandomDelay(100, 600)));
        proxy.stubFor(completionFor("cheap").atPriority(1)
                .withRequestBody(matchingJsonPath("$.messages[0].content", equalTo("streamed across replicas")))
                .willReturn(success("streamed", "gpt-4o-mini", "cheap", CHEAP_ID, "0.000001", 10, 20)
                        .withFixedDelay(2_500)));
        Path budgets = Files.createTempFile("octoagent-replica-budgets-", ".yaml");
        dirs.add(budgets);
        Files.writeString(budgets, "- name: replicas\n  scope: owner\n  values: [budget-proof]\n  period: total\n"
                + "  limit_usd: \"" + usd(BUDGET_CALLS * CHEAP_WORST) + "\"\n  on_exhausted: reject\n");
        env = new HashMap<>(TestPostgres.serviceEnvironment(database));
        env.put("LITELLM_PROXY_URL", proxy.baseUrl());
        env.put("LITELLM_PROXY_KEY", PROXY_KEY);
        env.put("OCTOAGENT_DB_LEASE_TTL", "3s");
        env.put("OCTOAGENT_BUDGETS_FILE", budgets.toString());
        env.put("OCTOAGENT_LLM_MAX_TOKENS", String.valueOf(MAX_TOKENS));
        env.put("OCTOAGENT_LLM_PROXY_FALLBACKS", "cheap=");
        env.put("OCTOAGENT_LLM_FALLBACK", "none");
    }

    @AfterEach
    void tearDown() throws IOException {
        apps.forEach(PackagedApp::close);
        if (proxy != null) {
            proxy.stop();
        }
        for (Path dir : dirs) {
            TestFiles.deleteTree(dir);
        }
    }

    @Test
    void threeReplicasOneLedgerNothingDoneTwice() throws Exception {
        for (int i = 0; i < REPLICAS; i++) {
            apps.add(start(i, 1));
        }
        for (PackagedApp app : apps) {
            app.awaitHealthy(STARTUP);
        }

        streamOnOneReplicaFollowsTheWorkOfAnother();
        oneKeySentToEveryReplicaAtOnceMakesOneTask();
        Load load = submitWhileAReplicaDies();
        awaitAllTerminal(load, Duration.ofSeconds(240));
        checkTheLedger(load);
        budgetHoldsAcrossReplicas();
    }

    /**
     * SIGTERM on a replica with calls in flight and tasks waiting: its readiness goes DOWN, and
     * what it still holds when the grace ends is released, so the other replica finishes every
     * task at once — long before the (here one-minute) leases could have expired.
     */
    @Test
    void sigtermHandsTheWorkOverAtOnce() throws Exception {
        env.put("OCTOAGENT_DB_LEASE_TTL", "60s");
        env.put("OCTOAGENT_SHUTDOWN_GRACE", "1s");
        env.put("OCTOAGENT_LLM_MAX_CONCURRENCY", "4");
        proxy.stubFor(completionFor("cheap").atPriority(2)
                .withRequestBody(matchingJsonPath("$.messages[0].content", matching("handover .*")))
                .willReturn(success("handed over", "gpt-4o-mini", "cheap", CHEAP_ID, "0.000001", 10, 20)
                        .withFixedDelay(3_000)));
        apps.add(start(0, 1));
        apps.add(start(1, 1));
        for (PackagedApp app : apps) {
            app.awaitHealthy(STARTUP);
        }
        HttpClient client = TestHttp.newClient();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 10; i++) { // 4 calls in flight on replica 0, 6 waiting
            HttpResponse<String> created = TestHttp.postJson(client, apps.get(0).baseUrl() + "/api/message",
                    body("handover " + i, "handover-" + runId + "-" + i, "handover"));
            assertEquals(201, created.statusCode(), created.body());
            ids.add(MAPPER.readTree(created.body()).path("task_id").asText());
        }
        Pause.millis(500);
        long terminated = System.nanoTime();
        apps.get(0).terminate();
        assertTrue(apps.get(0).awaitExit(Duration.ofSeconds(30)), "replica 0 did not stop after SIGTERM");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (count("SELECT COUNT(*) FROM tasks WHERE sender_id = 'handover' AND status = 'SUCCEEDED'")
                < ids.size() && System.nanoTime() < deadline) {
            Pause.millis(100);
        }
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - terminated);
        assertEquals(ids.size(), count("SELECT COUNT(*) FROM tasks WHERE sender_id = 'handover'"
                + " AND status = 'SUCCEEDED'"), "every task finished on the remaining replica");
        assertTrue(tookMs < 30_000, "took " + tookMs + " ms");
        assertEquals(0, count("SELECT COUNT(*) FROM events e JOIN tasks t ON t.task_id = e.task_id"
                + " WHERE t.sender_id = 'handover' AND e.type = 'MODEL_CALL_COMPLETED'") - ids.size(),
                "one completed call per task");
        System.out.printf("[ReplicaProofIT] SIGTERM on replica 0 with 10 tasks: all SUCCEEDED on replica 1"
                + " %d ms later (lease TTL 60 s)%n", tookMs);
    }

    /** A task submitted to replica 0 (which works it), streamed from replica 1, live, gap-free. */
    private void streamOnOneReplicaFollowsTheWorkOfAnother() throws Exception {
        HttpClient client = TestHttp.newClient();
        HttpResponse<String> created = TestHttp.postJson(client, apps.get(0).baseUrl() + "/api/message",
                body("streamed across replicas", "sse-" + runId, "stream-probe"));
        assertEquals(201, created.statusCode(), created.body());
        String taskId = MAPPER.readTree(created.body()).path("task_id").asText();
        long opened = System.nanoTime();
        try (SseClient stream = SseClient.open(apps.get(1).port(), "/api/stream/task/" + taskId)) {
            assertEquals(200, stream.status(), stream.body());
            List<SseClient.Frame> frames = stream.eventsUntilEnd(Duration.ofSeconds(60));
            long endedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - opened);
            List<Long> seqs = new ArrayList<>();
            for (SseClient.Frame frame : frames) {
                seqs.add(MAPPER.readTree(frame.data()).path("task_seq").asLong());
            }
            List<Long> stored = query("SELECT task_seq FROM events WHERE task_id = '" + taskId
                    + "' ORDER BY task_seq", row -> row.getLong(1));
            assertEquals(stored, seqs, "replica 1 streamed exactly the events replica 0 committed, in order");
            for (int i = 0; i < seqs.size(); i++) {
                assertEquals(i + 1, seqs.get(i), "gap-free task_seq");
            }
            assertTrue(frames.get(frames.size() - 1).data().contains("SUCCEEDED"), frames.toString());
            // The call takes 2.5 s: the answer reached the stream live, not as history.
            assertTrue(endedMs >= 2_000, "the stream ended after " + endedMs + " ms: the events were not live");
            System.out.printf("[ReplicaProofIT] stream on replica 1 followed replica 0's task live: %d events,"
                    + " ended %d ms after opening%n", frames.size(), endedMs);
        }
    }

    /** 20 keys, each sent to the three replicas at the same moment: one task per key, one 201 per key. */
    private void oneKeySentToEveryReplicaAtOnceMakesOneTask() throws Exception {
        HttpClient client = TestHttp.newClient();
        ExecutorService pool = Executors.newFixedThreadPool(REPLICAS);
        try {
            for (int k = 0; k < 20; k++) {
                String key = "racing-" + runId + "-" + k;
                CyclicBarrier together = new CyclicBarrier(REPLICAS);
                List<Future<HttpResponse<String>>> answers = new ArrayList<>();
                for (PackagedApp app : apps) {
                    answers.add(pool.submit(() -> {
                        together.await();
                        return TestHttp.postJson(client, app.baseUrl() + "/api/message",
                                body("racing " + key, key, "racing"));
                    }));
                }
                List<String> ids = new ArrayList<>();
                int created = 0;
                for (Future<HttpResponse<String>> answer : answers) {
                    HttpResponse<String> response = answer.get(30, TimeUnit.SECONDS);
                    assertTrue(response.statusCode() == 201 || response.statusCode() == 200, response.body());
                    created += response.statusCode() == 201 ? 1 : 0;
                    ids.add(MAPPER.readTree(response.body()).path("task_id").asText());
                }
                assertEquals(1, ids.stream().distinct().count(), "one task for " + key + ": " + ids);
                assertEquals(1, created, "exactly one replica created " + key);
            }
        } finally {
            pool.shutdown();
        }
        assertEquals(20, count("SELECT COUNT(*) FROM tasks WHERE sender_id = 'racing'"));
        System.out.println("[ReplicaProofIT] 20 keys, each sent to the 3 replicas at once: 20 tasks, one 201 per key");
    }

    /** What the load saw: acknowledged keys and their tasks, repeats and how they were answered. */
    private record Load(Map<String, String> acked, int repeats, int repeatMismatches, int retriedOnAnotherReplica,
                        long loadMillis) {
    }

    private Load submitWhileAReplicaDies() throws Exception {
        Map<String, String> acked = new ConcurrentHashMap<>();
        AtomicInteger next = new AtomicInteger();
        AtomicInteger repeats = new AtomicInteger();
        AtomicInteger mismatches = new AtomicInteger();
        AtomicInteger retried = new AtomicInteger();
        AtomicBoolean killed = new AtomicBoolean();
        HttpClient client = TestHttp.newClient();
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        List<Future<?>> clients = new ArrayList<>();
        long start = System.nanoTime();
        for (int c = 0; c < CLIENTS; c++) {
            clients.add(pool.submit(() -> {
                int n;
                while ((n = next.getAndIncrement()) < TASKS) {
                    String key = "load-" + runId + "-" + n;
                    String taskId = submit(client, n, key, retried);
                    acked.put(key, taskId);
                    if (n % 10 == 9) {
                        // The same key again, to the next replica: the same task, not a new one.
                        repeats.incrementAndGet();
                        if (!taskId.equals(submit(client, n + 1, key, retried))) {
                            mismatches.incrementAndGet();
                        }
                    }
                    if (acked.size() >= KILL_AFTER && killed.compareAndSet(false, true)) {
                        apps.get(2).kill();
                        System.out.printf("[ReplicaProofIT] SIGKILLed replica 2 after %d acknowledged tasks%n",
                                acked.size());
                    }
                }
                return null;
            }));
        }
        // Restart the killed replica once the load has moved on without it.
        while (!killed.get()) {
            Pause.millis(20);
        }
        assertTrue(apps.get(2).awaitExit(Duration.ofSeconds(30)));
        Pause.millis(1_500);
        apps.set(2, start(2, 2));
        for (Future<?> future : clients) {
            future.get(300, TimeUnit.SECONDS);
        }
        pool.shutdown();
        long loadMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        apps.get(2).awaitHealthy(STARTUP);
        return new Load(acked, repeats.get(), mismatches.get(), retried.get(), loadMillis);
    }

    /** Submits to replica {@code n % 3}; a replica that does not answer gets the same key sent to the next. */
    private String submit(HttpClient client, int n, String key, AtomicInteger retried) throws Exception {
        for (int attempt = 0; attempt < 30; attempt++) {
            PackagedApp app = apps.get((n + attempt) % REPLICAS);
            try {
                HttpResponse<String> response = TestHttp.postJson(client, app.baseUrl() + "/api/message",
                        body("replica load " + key, key, "replica-load"), Duration.ofSeconds(20));
                if (response.statusCode() == 201 || response.statusCode() == 200) {
                    return MAPPER.readTree(response.body()).path("task_id").asText();
                }
                if (response.statusCode() != 503 && response.statusCode() != 429) {
                    throw new AssertionError("unexpected " + response.statusCode() + " " + response.body());
                }
            } catch (IOException e) {
                // The killed replica (or one still starting): the client tries the next one.
            }
            retried.incrementAndGet();
            Pause.millis(50);
        }
        throw new AssertionError("no replica acknowledged " + key);
    }

    private void awaitAllTerminal(Load load, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long unfinished;
        do {
            unfinished = count("SELECT COUNT(*) FROM tasks WHERE status IN ('CREATED', 'RUNNING')");
            if (unfinished == 0) {
                return;
            }
            Pause.millis(250);
        } while (System.nanoTime() < deadline);
        throw new AssertionError(unfinished + " task(s) still unfinished after " + timeout + " (of "
                + load.acked().size() + " acknowledged)");
    }

    private void checkTheLedger(Load load) throws Exception {
        assertEquals(TASKS, load.acked().size(), "every key acknowledged");
        assertEquals(TASKS, load.acked().values().stream().distinct().count(), "one task per key");
        assertEquals(0, load.repeatMismatches(), "a repeated key answered with another task");

        Map<String, String> status = new HashMap<>();
        query("SELECT task_id, status FROM tasks", row -> status.put(row.getString(1), row.getString(2)));
        Map<String, List<String[]>> history = new HashMap<>();
        query("SELECT task_id, task_seq, type, payload FROM events ORDER BY task_id, task_seq", row ->
                history.computeIfAbsent(row.getString(1), id -> new ArrayList<>())
                        .add(new String[] {row.getString(2), row.getString(3), row.getString(4)}));
        int interrupted = 0;
        int completed = 0;
        for (String taskId : load.acked().values()) {
            assertEquals("SUCCEEDED", status.get(taskId), "task " + taskId);
            List<String[]> events = history.get(taskId);
            int started = 0;
            int done = 0;
            int failed = 0;
            for (int i = 0; i < events.size(); i++) {
                assertEquals(i + 1, Long.parseLong(events.get(i)[0]), "gap-free task_seq of " + taskId);
                switch (events.get(i)[1]) {
                    case "MODEL_CALL_STARTED" -> started++;
                    case "MODEL_CALL_COMPLETED" -> done++;
                    case "MODEL_CALL_FAILED" -> {
                        failed++;
                        JsonNode payload = MAPPER.readTree(events.get(i)[2]);
                        assertEquals("interrupted", payload.path("error_type").asText(),
                                "the only failed call is one a dead replica left: " + taskId);
                        interrupted++;
                    }
                    default -> {
                    }
                }
            }
            assertEquals(1, done, "exactly one completed model call for " + taskId);
            assertEquals(started, done + failed, "every started call of " + taskId + " was closed");
            completed += done;
        }
        long taskCount = count("SELECT COUNT(*) FROM tasks WHERE sender_id = 'replica-load'");
        assertEquals(TASKS, taskCount, "no task beyond the acknowledged ones");
        int proxyCalls = proxy.findAll(postRequestedFor(urlEqualTo("/chat/completions"))
                .withRequestBody(matchingJsonPath("$.messages[0].content", matching("replica load .*")))).size();
        assertTrue(proxyCalls >= completed, "the proxy answered every completed call");
        assertTrue(proxyCalls - completed <= interrupted, "a call made twice is one closed as interrupted: "
                + proxyCalls + " calls for " + completed + " tasks, " + interrupted + " interrupted");
        awaitNoLeases();
        System.out.printf("[ReplicaProofIT] %d tasks acknowledged in %d ms across %d replicas (replica 2 killed"
                        + " and restarted; %d submissions retried on another replica; %d keys sent twice, all"
                        + " answered with their first task); all SUCCEEDED; %d completed calls, %d proxy calls,"
                        + " %d interrupted closes after the lease expiry%n", load.acked().size(), load.loadMillis(),
                REPLICAS, load.retriedOnAnotherReplica(), load.repeats(), completed, proxyCalls, interrupted);
    }

    private void awaitNoLeases() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        long left;
        while ((left = count("SELECT COUNT(*) FROM task_leases")) > 0 && System.nanoTime() < deadline) {
            Pause.millis(200);
        }
        assertEquals(0, left, "leases of finished tasks are released");
    }

    /** Three times the budget's worth of calls from the three replicas at once: exactly the budget is spent. */
    private void budgetHoldsAcrossReplicas() throws Exception {
        HttpClient client = TestHttp.newClient();
        ExecutorService pool = Executors.newFixedThreadPool(3 * BUDGET_CALLS);
        List<Future<String>> submitted = new ArrayList<>();
        for (int i = 0; i < 3 * BUDGET_CALLS; i++) {
            int n = i;
            submitted.add(pool.submit(() -> {
                HttpResponse<String> response = TestHttp.postJson(client, apps.get(n % REPLICAS).baseUrl()
                        + "/api/message", body(PROMPT, "budget-" + runId + "-" + n, "budget-proof"));
                assertEquals(201, response.statusCode(), response.body());
                return MAPPER.readTree(response.body()).path("task_id").asText();
            }));
        }
        List<String> ids = new ArrayList<>();
        for (Future<String> future : submitted) {
            ids.add(future.get(60, TimeUnit.SECONDS));
        }
        pool.shutdown();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (count("SELECT COUNT(*) FROM tasks WHERE sender_id = 'budget-proof'"
                + " AND status IN ('CREATED', 'RUNNING')") > 0 && System.nanoTime() < deadline) {
            Pause.millis(200);
        }
        long succeeded = count("SELECT COUNT(*) FROM tasks WHERE sender_id = 'budget-proof' AND status = 'SUCCEEDED'");
        long rejected = count("SELECT COUNT(*) FROM tasks WHERE sender_id = 'budget-proof' AND status = 'REJECTED'");
        long spent = count("SELECT spent_nanos FROM budget_usage WHERE budget = 'replicas'");
        long reserved = count("SELECT reserved_nanos FROM budget_usage WHERE budget = 'replicas'");
        assertEquals(BUDGET_CALLS, succeeded, "calls admitted by the budget, across replicas");
        assertEquals(2L * BUDGET_CALLS, rejected);
        assertEquals(BUDGET_CALLS * CHEAP_WORST, spent, "spent exactly the limit, never more");
        assertEquals(0, reserved, "nothing left reserved");
        System.out.printf("[ReplicaProofIT] budget of %d calls, %d submitted to 3 replicas at once: %d succeeded,"
                + " %d rejected, spent %s of %s USD%n", BUDGET_CALLS, ids.size(), succeeded, rejected, usd(spent),
                usd(BUDGET_CALLS * CHEAP_WORST));
    }

    private PackagedApp start(int replica, int run) throws IOException {
        Path dir = Files.createTempDirectory("octoagent-replica-" + replica + "-");
        dirs.add(dir);
        return PackagedApp.start(dir, env, Path.of("target", "replica-proof-" + replica + "-" + run + ".log"));
    }

    private static String body(String text, String key, String sender) {
        return "{\"text\":\"" + text + "\",\"idempotency_key\":\"" + key + "\",\"sender_id\":\"" + sender
                + "\",\"model_alias\":\"router\"}";
    }

    @FunctionalInterface
    private interface RowReader<T> {
        T read(ResultSet row) throws Exception;
    }

    private <T> List<T> query(String sql, RowReader<T> reader) throws Exception {
        List<T> rows = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection(TestPostgres.jdbcUrl(database), "postgres",
                "postgres"); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery(sql)) {
            while (row.next()) {
                rows.add(reader.read(row));
            }
        }
        return rows;
    }

    private long count(String sql) throws Exception {
        List<Long> values = query(sql, row -> row.getLong(1));
        return values.isEmpty() ? 0 : values.get(0);
    }
}
