package io.octoagent.gateway.nativeimage;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks what a native build would be given, over the files of a sources-only native build
 * ({@code ./mvnw package -Dnative -Dquarkus.native.sources-only=true}, which {@code .ci/run} runs
 * before this test): the traps a real GraalVM build of this code hit are closed. Not part of
 * {@code verify} (it needs that build); run with {@code ./mvnw surefire:test@native-sources}.
 */
class NativeSourcesTest {

    private static final Path SOURCES = Path.of("target", "native-sources");
    private static String args;
    private static String reflectConfig;
    private static String recordedVertxSetup;

    @BeforeAll
    static void read() throws IOException {
        Path argsFile = SOURCES.resolve("native-image.args");
        assertTrue(Files.isRegularFile(argsFile), "no " + argsFile + ": run ./mvnw package -DskipTests -Dnative "
                + "-Dquarkus.native.sources-only=true first");
        args = Files.readString(argsFile);
        try (java.util.stream.Stream<Path> files = Files.list(SOURCES)) {
            Path runner = files.filter(f -> f.getFileName().toString().endsWith("-runner.jar")).findFirst()
                    .orElseThrow(() -> new AssertionError("no runner jar in " + SOURCES));
            try (ZipFile jar = new ZipFile(runner.toFile())) {
                reflectConfig = new String(jar.getInputStream(jar.getEntry("META-INF/native-image/reflect-config.json"))
                        .readAllBytes(), StandardCharsets.UTF_8);
                StringBuilder recorded = new StringBuilder();
                for (var entry : java.util.Collections.list(jar.entries())) {
                    if (entry.getName().startsWith("io/quarkus/runner/recorded/VertxCoreProcessor")) {
                        recorded.append(new String(jar.getInputStream(entry).readAllBytes(), StandardCharsets.ISO_8859_1));
                    }
                }
                recordedVertxSetup = recorded.toString();
            }
        }
    }

    @Test
    void ulidsSecureRandomIsInitialisedAtRunTime() {
        assertTrue(args.contains("--initialize-at-run-time=io.octoagent.gateway.common.Ulid"),
                "a SecureRandom seeded at build time is refused by the native build: " + args);
    }

    @Test
    void theSnakeCaseNamingStrategyIsRegisteredForReflection() {
        assertTrue(reflectConfig.contains("com.fasterxml.jackson.databind.PropertyNamingStrategies$SnakeCaseStrategy"),
                "without it the executable fails at startup with ClassNotFoundException");
    }

    /**
     * The executable does not load services at run time (-H:-UseServiceLoaderFeature): the HTTP
     * connection guard reaches Vert.x only because Quarkus recorded its provider at build time.
     */
    @Test
    void theConnectionGuardIsBuiltIntoTheVertxSetup() {
        assertTrue(recordedVertxSetup.contains("io/octoagent/gateway/web/connection/ConnectionGuardProvider"),
                "the recorded Vert.x setup does not construct ConnectionGuardProvider");
    }

    @Test
    void recordsSerialisedOutsideRestSignaturesAreRegistered() {
        for (String type : List.of("io.octoagent.gateway.event.Event", "io.octoagent.gateway.web.ApiError",
                "io.octoagent.gateway.event.ModelCallCompletedPayload", "io.octoagent.gateway.health.ReadyResource$Work",
                "io.octoagent.gateway.artifact.ArtifactPart", "io.octoagent.gateway.event.ModelCallStartedPayload",
                "io.octoagent.gateway.event.BudgetExceededPayload", "io.octoagent.gateway.budget.Reservation",
                // Registered by class with the REST client, which instantiates it.
                "io.octoagent.gateway.provider.LiteLlmClient$UntracedConnections")) {
            assertTrue(reflectConfig.contains("\"" + type + "\""), type + " is not registered for reflection");
        }
    }
}
