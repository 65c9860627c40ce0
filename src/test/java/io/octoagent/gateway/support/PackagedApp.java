package io.octoagent.gateway.support;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One child process running the packaged jar, for black-box tests that must kill or signal the
 * application themselves (which @QuarkusIntegrationTest does not allow). Needs
 * {@code target/quarkus-app/quarkus-run.jar}, which {@code ./mvnw verify} builds in the package
 * phase before failsafe runs the *IT classes.
 */
public final class PackagedApp implements AutoCloseable {

    private static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");
    private static final int TAIL_LINES = 40;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Process process;
    private final int port;
    private final Path log;

    private PackagedApp(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Fails the test with a hint when the jar has not been built (e.g. the IT was run on its own). */
    public static void assertBuilt() {
        assertTrue(Files.isRegularFile(JAR), "missing " + JAR.toAbsolutePath()
                + " (working directory " + Path.of("").toAbsolutePath() + "); build it with ./mvnw package");
    }

    /**
     * Starts the jar on a free port with {@code env} and {@code dataDir} as its only OCTOAGENT_ /
     * LITELLM_ settings; stdout and stderr go to {@code log}.
     */
    public static PackagedApp start(Path dataDir, Map<String, String> env, Path log) throws IOException {
        int port = freePort();
        return start(dataDir, env, log, port, List.of(java(), "-Dquarkus.http.port=" + port, "-jar", JAR.toString()));
    }

    /** As {@link #start}, with the process allowed at most {@code openFiles} file descriptors (soft and hard). */
    public static PackagedApp startWithFileLimit(Path dataDir, Map<String, String> env, Path log, int openFiles)
            throws IOException {
        int port = freePort();
        return start(dataDir, env, log, port, List.of("bash", "-c", "ulimit -n " + openFiles + " && exec \"$0\" \"$@\"",
                java(), "-Dquarkus.http.port=" + port, "-jar", JAR.toString()));
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static PackagedApp start(Path dataDir, Map<String, String> env, Path log, int port, List<String> command)
            throws IOException {
        Files.createDirectories(log.toAbsolutePath().getParent());
        ProcessBuilder builder = new ProcessBuilder(command);
        // Only the settings of the test: nothing inherited from the shell that runs the build.
        builder.environment().keySet().removeIf(name -> name.startsWith("OCTOAGENT_") || name.startsWith("LITELLM_"));
        builder.environment().putAll(env);
        builder.environment().put("OCTOAGENT_DATA_DIR", dataDir.toString());
        builder.redirectErrorStream(true);
        builder.redirectOutput(log.toFile());
        System.out.println("[PackagedApp] starting the jar on port " + port + ", " + env + ", data " + dataDir
                + ", log " + log);
        return new PackagedApp(builder.start(), port, log);
    }

    public int port() {
        return port;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public Path log() {
        return log;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for GET /health = 200; fails with the log tail if the process dies or the time runs out. */
    public void awaitHealthy(Duration timeout) throws InterruptedException {
        HttpClient client = TestHttp.newClient();
        String health = baseUrl() + "/health";
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer yet";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                fail("the application exited with " + process.exitValue() + " before it was healthy; log "
                        + log.toAbsolutePath() + ":\n" + logTail());
            }
            try {
                HttpResponse<String> response = TestHttp.get(client, health, Duration.ofSeconds(2));
                if (response.statusCode() == 200) {
                    return;
                }
                last = response.statusCode() + " " + response.body();
            } catch (IOException e) {
                last = e.toString();
            }
            Pause.millis(100);
        }
        fail("GET /health did not answer 200 within " + timeout.toSeconds() + " s (last: " + last + "); log "
                + log.toAbsolutePath() + ":\n" + logTail());
    }

    /**
     * SIGKILL: on Linux/Unix Process.destroyForcibly() is ProcessHandleImpl.destroyProcess(pid,
     * force=true), i.e. kill(pid, SIGKILL): no shutdown hooks run. The exit code is then 137 (128 + 9).
     */
    public void kill() {
        process.destroyForcibly();
    }

    /**
     * SIGTERM: on Linux Process.destroy() is ProcessHandleImpl.destroyProcess(pid, force=false), i.e.
     * kill(pid, SIGTERM), as Kubernetes sends: the JVM runs its shutdown hooks and, unless the
     * runtime exits by itself first, ends with 143 (128 + 15).
     */
    public void terminate() {
        process.destroy();
    }

    /** True if the process has exited within {@code timeout}. */
    public boolean awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The exit value; only once the process has exited. */
    public int exitCode() {
        return process.exitValue();
    }

    /** Polls {@code GET /api/tasks/{id}} until the task is terminal (or the time runs out); its detail. */
    public JsonNode awaitTerminal(String taskId, Duration timeout) throws IOException, InterruptedException {
        HttpClient client = TestHttp.newClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode detail;
        do {
            detail = MAPPER.readTree(TestHttp.get(client, baseUrl() + "/api/tasks/" + taskId).body());
            if (Api.TERMINAL.contains(detail.path("task").path("status").asText())) {
                return detail;
            }
            Pause.millis(100);
        } while (System.nanoTime() < deadline);
        return detail;
    }

    /** The last lines of the log, for failure messages. */
    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /** Kills the process if it still runs (a failed test must not leave it behind) and waits for it. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }
}
