package io.octoagent.gateway.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.octoagent.gateway.support.PackagedApp;
import io.octoagent.gateway.support.Pause;
import io.octoagent.gateway.support.TestFiles;
import io.octoagent.gateway.support.TestHttp;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * §8 "kill -9 at any moment loses no acknowledged task and leaves no half-written task", checked
 * black-box against the packaged jar: submit tasks from many clients, SIGKILL the process while
 * submissions are in flight, restart it on the same data directory, and check every acknowledged
 * task is there, intact, and finishes.
 *
 * <p>Plain JUnit (no Quarkus test annotations): the test owns the child processes. Needs
 * {@code target/quarkus-app/quarkus-run.jar}, which {@code ./mvnw verify} builds in the package
 * phase before failsafe runs this class. The application's output goes to
 * {@code target/crash-recovery-*.log}.
 */
class CrashRecoveryIT {

    private static final Set<String> TERMINAL = Set.of("SUCCEEDED", "FAILED", "CANCELLED", "REJECTED");
    private static final Set<String> UNFINISHED = Set.of("CREATED", "RUNNING");

    private static final int CLIENTS = 16;
    private static final long LOAD_MILLIS = 1_500;
    private static final int ENOUGH_ACKS = 200;
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration FINISH_TIMEOUT = Duration.ofSeconds(60);
    /** What {@code Process.exitValue()} reports on Linux for a process ended by signal 9 (0x80 + 9). */
    private static final int EXIT_BY_SIGKILL = 128 + 9;
    /** Echo mode: no model proxy needed, and every task can finish. */
    private static final Map<String, String> ECHO = Map.of("OCTOAGENT_LLM_MODE", "echo");

    private final ObjectMapper mapper = new ObjectMapper();
    private final String runId = UUID.randomUUID().toString().substring(0, 8);
    private Path dataDir;
    private PackagedApp app;
    /** Tells the load threads to stop; also set by tearDown if the test fails mid-load. */
    private final AtomicBoolean stop = new AtomicBoolean();
    private boolean passed;

    @BeforeEach
    void setUp() throws IOException {
        PackagedApp.assertBuilt();
        dataDir = Files.createTempDirectory("octoagent-crash-");
    }

    @AfterEach
    void tearDown() throws IOException {
        stop.set(true);
        if (app != null) {
            app.close();
        }
        if (passed) {
            TestFiles.deleteTree(dataDir);
        } else if (dataDir != null) {
            System.out.println("[CrashRecoveryIT] data directory kept for diagnosis: " + dataDir);
        }
    }

    @Test
    void killNineDuringSubmissionsLosesNoAcknowledgedTask() throws Exception {
        // ---- 1. First run: load, then SIGKILL while requests are in flight.
        Path firstLog = log(1);
        app = PackagedApp.start(dataDir, ECHO, firstLog);
        app.awaitHealthy(STARTUP_TIMEOUT);

        Map<String, String> acked = new ConcurrentHashMap<>(); // idempotency key -> task id
        Map<String, String> keyByTask = new ConcurrentHashMap<>(); // task id -> key (for messages)
        AtomicInteger nonCreatedAnswers = new AtomicInteger();
        AtomicInteger failuresAfterKill = new AtomicInteger();
        AtomicInteger inflightAtKill = new AtomicInteger(); // sent before the kill, no answer
        AtomicInteger unexpectedStatuses = new AtomicInteger();
        List<String> unexpectedSamples = new ArrayList<>();
        AtomicBoolean killed = new AtomicBoolean();
        HttpClient loadClient = TestHttp.newClient();
        String messageUri = app.baseUrl() + "/api/message";

        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            int clientNo = c;
            Thread client = new Thread(() -> {
                int n = 0;
                while (!stop.get()) {
                    String key = "crash-" + runId + "-" + clientNo + "-" + (n++);
                    boolean sentBeforeKill = !killed.get();
                    try {
                        HttpResponse<String> response = TestHttp.postJson(loadClient, messageUri, body(key));
                        if (response.statusCode() == 201) {
                            String taskId = mapper.readTree(response.body()).path("task_id").asText();
                            acked.put(key, taskId);
                            keyByTask.put(taskId, key);
                        } else {
                            nonCreatedAnswers.incrementAndGet();
                            if (!killed.get()) {
                                unexpectedStatuses.incrementAndGet();
                                synchronized (unexpectedSamples) {
                                    if (unexpectedSamples.size() < 5) {
                                        unexpectedSamples.add(response.statusCode() + " " + response.body());
                                    }
                                }
                            }
                        }
                    } catch (IOException e) {
                        // Expected once the server is killed (refused / reset / closed connection).
                        if (killed.get()) {
                            failuresAfterKill.incrementAndGet();
                            if (sentBeforeKill) {
                                inflightAtKill.incrementAndGet();
                            }
                            Pause.millis(20);
                        } else {
                            unexpectedStatuses.incrementAndGet();
                            synchronized (unexpectedSamples) {
                                if (unexpectedSamples.size() < 5) {
                                    unexpectedSamples.add(e.toString());
                                }
                            }
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }, "crash-client-" + c);
            client.setDaemon(true);
            clients.add(client);
        }
        long loadStart = System.nanoTime();
        clients.forEach(Thread::start);
        while (acked.size() < ENOUGH_ACKS
                && System.nanoTime() - loadStart < TimeUnit.MILLISECONDS.toNanos(LOAD_MILLIS)) {
            Pause.millis(10);
        }
        int ackedBeforeKill = acked.size();
        // kill() is Process.destroyForcibly(), i.e. kill(pid, SIGKILL) on Linux/Unix: no shutdown
        // hooks, no graceful close of the store. The exit value asserted below (128 + 9) confirms
        // the process really died of signal 9.
        killed.set(true);
        app.kill();
        assertTrue(app.awaitExit(Duration.ofSeconds(30)), "the first run did not die after SIGKILL");
        long loadMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - loadStart);
        assertEquals(EXIT_BY_SIGKILL, app.exitCode(), "the first run should have been ended by SIGKILL");
        // Let the clients see the dead server for a moment, then stop them.
        Pause.millis(200);
        stop.set(true);
        for (Thread client : clients) {
            client.join(TimeUnit.SECONDS.toMillis(30));
            assertFalse(client.isAlive(), client.getName() + " did not stop");
        }

        assertEquals(0, unexpectedStatuses.get(), "before the kill every submission should get a 201; got "
                + unexpectedStatuses.get() + " other outcome(s), e.g. " + unexpectedSamples + " (log: " + firstLog + ")");
        assertTrue(acked.size() > 0, "no submission was acknowledged before the kill (log: " + firstLog + ")");
        assertEquals(acked.size(), new HashSet<>(acked.values()).size(),
                "two idempotency keys were acknowledged with the same task id");

        Map<String, Integer> onDiskAtKill = statusCountsFromSnapshot();

        // ---- 2. Second run on the same data directory.
        Path secondLog = log(2);
        app = PackagedApp.start(dataDir, ECHO, secondLog);
        app.awaitHealthy(STARTUP_TIMEOUT);
        HttpClient client = TestHttp.newClient();
        String base = app.baseUrl();

        // Every acknowledged task is there right after the restart, with its first two events.
        Map<String, String> listedAtRestart = listAll(client, base);
        long unfinishedAtRestart = listedAtRestart.values().stream().filter(UNFINISHED::contains).count();
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, String> ack : acked.entrySet()) {
            HttpResponse<String> response = TestHttp.get(client, base + "/api/tasks/" + ack.getValue());
            if (response.statusCode() != 200) {
                missing.add(ack.getValue() + " (key " + ack.getKey() + ") -> " + response.statusCode() + " "
                        + response.body());
                continue;
            }
            assertFirstEvents(ack.getValue(), mapper.readTree(response.body()));
        }
        assertTrue(missing.isEmpty(), missing.size() + " of " + acked.size()
                + " acknowledged task(s) are lost after kill -9: " + head(missing) + " (logs: " + firstLog + ", "
                + secondLog + ")");

        // Every task (acknowledged or not) reaches a terminal state.
        Map<String, String> statuses = listedAtRestart;
        long deadline = System.nanoTime() + FINISH_TIMEOUT.toNanos();
        while (true) {
            List<String> pending = unfinished(statuses, acked.values());
            if (pending.isEmpty() || System.nanoTime() > deadline) {
                break;
            }
            Pause.millis(200);
            statuses = listAll(client, base);
        }
        List<String> stuck = unfinished(statuses, acked.values());
        assertTrue(stuck.isEmpty(), stuck.size() + " task(s) not terminal " + FINISH_TIMEOUT.toSeconds()
                + " s after the restart: " + head(stuck) + " (log: " + secondLog + ")");
        for (String taskId : acked.values()) {
            assertTrue(statuses.containsKey(taskId), "acknowledged task " + taskId + " is missing from GET /api/tasks");
        }

        // Final state of every task on disk: contiguous task_seq, intact start, consistent end.
        Map<String, Integer> finalCounts = new TreeMap<>();
        int resumedCalls = 0;
        Set<String> eventIds = new HashSet<>();
        for (String taskId : statuses.keySet()) {
            HttpResponse<String> response = TestHttp.get(client, base + "/api/tasks/" + taskId);
            assertEquals(200, response.statusCode(), "GET /api/tasks/" + taskId + " (listed) -> " + response.body());
            JsonNode detail = mapper.readTree(response.body());
            String status = detail.path("task").path("status").asText();
            finalCounts.merge(status, 1, Integer::sum);
            if (keyByTask.containsKey(taskId)) {
                assertEquals("SUCCEEDED", status, "acknowledged task " + taskId + " (key " + keyByTask.get(taskId)
                        + ") should succeed in echo mode; events: " + types(detail));
            }
            assertFirstEvents(taskId, detail);
            JsonNode events = detail.path("events");
            for (int i = 0; i < events.size(); i++) {
                JsonNode event = events.get(i);
                assertEquals(i + 1, event.path("task_seq").asInt(), "task " + taskId + ": task_seq must be 1.."
                        + events.size() + " with no gap or repeat, got " + seqs(detail));
                assertTrue(eventIds.add(event.path("event_id").asText()),
                        "event id " + event.path("event_id").asText() + " appears twice");
                if ("MODEL_CALL_FAILED".equals(event.path("type").asText())
                        && "interrupted".equals(event.path("payload").path("error_type").asText())) {
                    resumedCalls++;
                }
            }
            JsonNode last = events.get(events.size() - 1);
            assertEquals("STATE_TRANSITION", last.path("type").asText(), "task " + taskId
                    + " should end with its terminal transition; events: " + types(detail));
            assertEquals(status, last.path("payload").path("to_status").asText(),
                    "task " + taskId + ": the projection disagrees with the last transition");
            assertEquals(last.path("event_id").asText(), detail.path("task").path("pointers").path("latest_event_id")
                    .asText(), "task " + taskId + ": pointers.latest_event_id is not the last event");
            Set<String> artifactIds = new HashSet<>();
            detail.path("artifacts").forEach(artifact -> artifactIds.add(artifact.path("artifact_id").asText()));
            for (JsonNode event : events) {
                JsonNode ref = event.path("payload").path("artifact_ref");
                if (ref.isTextual() && !ref.asText().isEmpty()) {
                    assertTrue(artifactIds.contains(ref.asText()), "task " + taskId + ": event "
                            + event.path("type").asText() + " #" + event.path("task_seq").asInt()
                            + " references artifact " + ref.asText() + " which is not recorded");
                }
            }
        }

        // Idempotency survives the crash: the newest acknowledged keys (committed just before the
        // kill) and the oldest one answer 200 with the same task.
        List<String> byTaskId = acked.values().stream().sorted().collect(Collectors.toList());
        Set<String> probe = new LinkedHashSet<>();
        probe.add(byTaskId.get(0));
        for (int i = Math.max(0, byTaskId.size() - 4); i < byTaskId.size(); i++) {
            probe.add(byTaskId.get(i));
        }
        for (String taskId : probe) {
            String key = keyByTask.get(taskId);
            HttpResponse<String> response = TestHttp.postJson(client, base + "/api/message", body(key));
            assertEquals(200, response.statusCode(), "resubmitting key " + key + " after the crash: " + response.body());
            JsonNode answer = mapper.readTree(response.body());
            assertEquals(taskId, answer.path("task_id").asText(), "key " + key + " now names another task");
            assertFalse(answer.path("created").asBoolean(true), "key " + key + " created a second task");
        }

        // No new task may appear from those resubmissions.
        Map<String, String> afterResubmit = listAll(client, base);
        assertEquals(statuses.keySet(), afterResubmit.keySet(), "resubmitting known keys changed the set of tasks");

        String resumedFromLog = resumedCountFromLog(secondLog);
        System.out.printf("[CrashRecoveryIT] load %d ms with %d clients; acknowledged (201) %d (%d when the kill"
                        + " was decided); in flight at the kill %d; failed requests after the kill %d; non-201"
                        + " answers %d%n",
                loadMillis, CLIENTS, acked.size(), ackedBeforeKill, inflightAtKill.get(), failuresAfterKill.get(),
                nonCreatedAnswers.get());
        System.out.printf("[CrashRecoveryIT] on disk at the kill (copy of the db): %s; restart log says resumed: %s;"
                        + " CREATED/RUNNING seen via API right after restart: %d%n",
                onDiskAtKill == null ? "n/a" : onDiskAtKill, resumedFromLog, unfinishedAtRestart);
        System.out.printf("[CrashRecoveryIT] after recovery: %d task(s) on disk (%d acknowledged + %d committed"
                        + " but never acknowledged), statuses %s, interrupted model calls closed %d%n",
                statuses.size(), acked.size(), statuses.size() - acked.size(), finalCounts, resumedCalls);
        passed = true;
    }

    // ---- helpers: the checks

    private void assertFirstEvents(String taskId, JsonNode detail) {
        JsonNode events = detail.path("events");
        assertTrue(events.size() >= 2, "task " + taskId + " is half-written: events " + types(detail));
        assertEquals("TASK_CREATED", events.get(0).path("type").asText(), "task " + taskId + ": first event; events "
                + types(detail));
        assertEquals("USER_MESSAGE", events.get(1).path("type").asText(), "task " + taskId + ": second event; events "
                + types(detail));
    }

    private static List<String> unfinished(Map<String, String> statuses, Iterable<String> mustBeListed) {
        List<String> pending = statuses.entrySet().stream()
                .filter(entry -> !TERMINAL.contains(entry.getValue()))
                .map(entry -> entry.getKey() + "=" + entry.getValue())
                .collect(Collectors.toCollection(ArrayList::new));
        for (String taskId : mustBeListed) {
            if (!statuses.containsKey(taskId)) {
                pending.add(taskId + "=<not listed>");
            }
        }
        return pending;
    }

    /** Pages through GET /api/tasks; checks ids are unique and newest first across pages. */
    private Map<String, String> listAll(HttpClient client, String base) throws IOException, InterruptedException {
        Map<String, String> statuses = new LinkedHashMap<>();
        String cursor = null;
        String previous = null;
        for (int pages = 0; pages < 10_000; pages++) {
            String uri = base + "/api/tasks?limit=500"
                    + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
            HttpResponse<String> response = TestHttp.get(client, uri);
            assertEquals(200, response.statusCode(), "GET " + uri + " -> " + response.body());
            JsonNode page = mapper.readTree(response.body());
            for (JsonNode task : page.path("tasks")) {
                String taskId = task.path("task_id").asText();
                assertTrue(previous == null || taskId.compareTo(previous) < 0,
                        "GET /api/tasks is not newest first: " + taskId + " after " + previous);
                previous = taskId;
                String before = statuses.put(taskId, task.path("status").asText());
                assertTrue(before == null, "task " + taskId + " listed twice by GET /api/tasks");
            }
            JsonNode next = page.path("next_cursor");
            if (next.isNull() || next.isMissingNode() || next.asText().isEmpty()) {
                return statuses;
            }
            cursor = next.asText();
        }
        fail("GET /api/tasks did not stop paging");
        return statuses;
    }

    /** Status counts read from a copy of the database files right after the kill (the original stays untouched). */
    private Map<String, Integer> statusCountsFromSnapshot() {
        try {
            Path snapshot = Files.createTempDirectory("octoagent-crash-snapshot-");
            try {
                try (Stream<Path> files = Files.list(dataDir)) {
                    for (Path file : files.filter(f -> f.getFileName().toString().startsWith("octoagent.db"))
                            .collect(Collectors.toList())) {
                        Files.copy(file, snapshot.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                    }
                }
                Map<String, Integer> counts = new TreeMap<>();
                try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + snapshot.resolve("octoagent.db"));
                     Statement statement = connection.createStatement();
                     ResultSet rows = statement.executeQuery("SELECT status, COUNT(*) FROM tasks GROUP BY status")) {
                    while (rows.next()) {
                        counts.put(rows.getString(1), rows.getInt(2));
                    }
                }
                return counts;
            } finally {
                TestFiles.deleteTree(snapshot);
            }
        } catch (Exception | LinkageError e) {
            System.out.println("[CrashRecoveryIT] could not read a snapshot of the database: " + e);
            return null;
        }
    }

    private static String resumedCountFromLog(Path log) {
        try {
            Matcher matcher = Pattern.compile("Resuming (\\d+) unfinished task").matcher(Files.readString(log));
            return matcher.find() ? matcher.group(1) : "0 (no resume line)";
        } catch (IOException e) {
            return "n/a (" + e + ")";
        }
    }

    private static List<Integer> seqs(JsonNode detail) {
        List<Integer> seqs = new ArrayList<>();
        detail.path("events").forEach(event -> seqs.add(event.path("task_seq").asInt()));
        return seqs;
    }

    private static List<String> types(JsonNode detail) {
        List<String> types = new ArrayList<>();
        detail.path("events").forEach(event -> types.add(event.path("task_seq").asInt() + ":"
                + event.path("type").asText()));
        return types;
    }

    private static String head(List<String> items) {
        return items.size() <= 10 ? items.toString() : items.subList(0, 10) + " … (" + items.size() + " in all)";
    }

    // ---- helpers: small things

    /** The application's output of one run, kept under target/ for diagnosis. */
    private Path log(int run) {
        return Path.of("target", "crash-recovery-" + runId + "-" + run + ".log");
    }

    /** The request body for a key; the text is derived from the key so a resubmission matches exactly. */
    private static String body(String key) {
        return "{\"text\": \"crash recovery check " + key + "\", \"idempotency_key\": \"" + key + "\"}";
    }
}
