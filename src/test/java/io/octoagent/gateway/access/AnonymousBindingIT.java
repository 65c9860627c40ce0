package io.octoagent.gateway.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.octoagent.gateway.support.PackagedApp;
import io.octoagent.gateway.support.TestFiles;
import io.octoagent.gateway.support.TestHttp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The packaged jar without API tokens: it listens on 127.0.0.1 only and says why; asked to listen
 * on every interface without tokens it refuses to start, unless OCTOAGENT_ALLOW_ANONYMOUS=true.
 */
class AnonymousBindingIT {

    @Test
    void withoutTokensTheServiceStaysOnLoopbackOrRefusesToStart() throws Exception {
        PackagedApp.assertBuilt();
        Path dataDir = Files.createTempDirectory("octoagent-anonymous-");
        try {
            Path log = Path.of("target", "anonymous-loopback.log");
            try (PackagedApp app = PackagedApp.start(dataDir, Map.of("OCTOAGENT_LLM_MODE", "echo"), log)) {
                app.awaitHealthy(Duration.ofSeconds(60));
                String output = Files.readString(log);
                assertTrue(output.contains("Listening on: http://127.0.0.1:" + app.port()), app.logTail());
                assertTrue(output.contains("No API token configured"), "one WARN says why: " + app.logTail());
                assertEquals(200, TestHttp.get(TestHttp.newClient(), app.baseUrl() + "/api/tasks").statusCode(),
                        "on a laptop the API works as before, without a token");
            }

            Path refused = Path.of("target", "anonymous-everywhere.log");
            try (PackagedApp app = PackagedApp.start(dataDir, Map.of("OCTOAGENT_LLM_MODE", "echo",
                    "QUARKUS_HTTP_HOST", "0.0.0.0"), refused)) {
                assertTrue(app.awaitExit(Duration.ofSeconds(60)), "listening everywhere without tokens must fail");
                assertNotEquals(0, app.exitCode());
                assertTrue(Files.readString(refused).contains("OCTOAGENT_ALLOW_ANONYMOUS=true"), app.logTail());
            }

            Path allowed = Path.of("target", "anonymous-allowed.log");
            try (PackagedApp app = PackagedApp.start(dataDir, Map.of("OCTOAGENT_LLM_MODE", "echo",
                    "QUARKUS_HTTP_HOST", "0.0.0.0", "OCTOAGENT_ALLOW_ANONYMOUS", "true"), allowed)) {
                app.awaitHealthy(Duration.ofSeconds(60));
                assertTrue(Files.readString(allowed).contains("Listening on: http://0.0.0.0:" + app.port()));
            }
        } finally {
            TestFiles.deleteTree(dataDir);
        }
    }
}
