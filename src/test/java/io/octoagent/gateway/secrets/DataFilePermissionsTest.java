package io.octoagent.gateway.secrets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.octoagent.gateway.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Prompts and answers on disk are readable by the service's own user only: files 0600, directories 0700. */
@QuarkusTest
@TestProfile(DataFilePermissionsTest.OwnDataDir.class)
class DataFilePermissionsTest {

    static final Path DATA = Path.of("target", "test-data-permissions");

    public static class OwnDataDir implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("octoagent.data-dir", DATA.toString());
        }
    }

    @Test
    void everythingTheServiceWritesIsPrivate() throws IOException {
        // Over 4 KiB: the request and the answer become artifact files.
        Api.awaitTerminal(Api.submitText("a private prompt " + "z".repeat(6_000)));
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(DATA)) {
            paths = walk.collect(Collectors.toList());
        }
        assertFalse(paths.stream().noneMatch(p -> p.toString().contains("artifacts") && Files.isRegularFile(p)),
                "no artifact file was written: " + paths);
        for (Path path : paths) {
            String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
            assertEquals(Files.isDirectory(path) ? "rwx------" : "rw-------", mode, path.toString());
        }
        System.out.println("[DataFilePermissionsTest] checked " + paths.size() + " paths: " + paths.stream()
                .map(p -> DATA.relativize(p).toString()).collect(Collectors.joining(", ")));
    }
}
