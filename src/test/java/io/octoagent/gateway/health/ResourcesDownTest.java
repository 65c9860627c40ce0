package io.octoagent.gateway.health;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Disk floor above the free space, and an artifacts directory that cannot be written. */
@QuarkusTest
@TestProfile(ResourcesDownTest.Starved.class)
class ResourcesDownTest {

    static final String DATA_DIR = "target/test-data-starved";

    public static class Starved implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // A floor no disk reaches: readiness must be DOWN for disk space.
            return Map.of("octoagent.data-dir", DATA_DIR, "octoagent.readiness.min-free-disk-mb", "999999999");
        }
    }

    @Test
    void diskSpaceUnderTheFloorIsNotReady() {
        given().get("/ready").then().statusCode(503)
                .body("status", equalTo("not_ready"))
                .body("checks.sqlite", equalTo("ok"));
        given().get("/q/health/ready").then().statusCode(503)
                .body("checks.find { it.name == 'disk-space' }.status", equalTo("DOWN"));
    }

    @Test
    void anUnwritableArtifactsDirectoryIsNotReady() throws IOException {
        // Tests run as root here, where permissions do not stop writes: a plain file where the
        // directory should be makes it unwritable for everyone.
        Path artifacts = Path.of(DATA_DIR, "artifacts");
        deleteTree(artifacts);
        Files.writeString(artifacts, "not a directory");
        try {
            given().get("/ready").then().statusCode(503)
                    .body("checks.artifacts_dir", startsWith("error: "));
            given().get("/q/health/ready").then().statusCode(503)
                    .body("checks.find { it.name == 'artifacts-dir' }.status", equalTo("DOWN"));
        } finally {
            Files.delete(artifacts);
        }
        given().get("/q/health/ready").then()
                .body("checks.find { it.name == 'artifacts-dir' }.status", equalTo("UP"));
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
