package io.octoagent.gateway.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Checks the deployment files (Compose, LiteLLM config, env examples, Dockerfiles, Kubernetes
 * manifests) against what the application really reads, so they cannot drift apart silently.
 *
 * <p>Plain JUnit: no Quarkus application is started. Paths are relative to the project base
 * directory, which is Maven's working directory for tests. YAML is parsed with SnakeYAML, which
 * is on the test classpath through quarkus-config-yaml.
 */
class DeploymentFilesTest {

    /** The environment variables the gateway reads (from its configuration mapping): these and only these. */
    private static final Set<String> APP_VARIABLES = ConfiguredVariables.all();

    /** Variables only Docker Compose uses (substitutions), never the gateway. */
    private static final Set<String> COMPOSE_ONLY_VARIABLES = Set.of("LITELLM_MASTER_KEY", "GATEWAY_PORT", "LITELLM_PORT");

    private static final Set<String> RUNTIME_GROUPS = Set.of("cheap", "main", "fallback");

    private static final int GATEWAY_SHUTDOWN_GRACE_S = 20;

    private static final Pattern OPENAI_STYLE_KEY = Pattern.compile("sk-[A-Za-z0-9]{20,}");

    /** {@code ${NAME}}, {@code ${NAME:-default}}, {@code ${NAME:?message}} … (upper-case names only). */
    private static final Pattern SUBSTITUTION = Pattern.compile("\\$\\{([A-Z_][A-Z0-9_]*)");

    private static final Path BASE = Path.of("").toAbsolutePath();

    /** Quarkus's Prometheus endpoint (not moved in application.yaml, which a test checks). */
    private static final String METRICS_PATH = "/q/metrics";

    private static final String KUBERNETES_BASE = "deploy/kubernetes";

    /**
     * The overlay running several replicas on a shared PostgreSQL database. A sibling of the base,
     * not below it: kustomize refuses a base whose directory contains the overlay.
     */
    private static final String POSTGRES_OVERLAY = "deploy/kubernetes-postgres";

    private static final Set<String> DB_CONNECTION_VARIABLES = Set.of("OCTOAGENT_DB_URL", "OCTOAGENT_DB_USER", "OCTOAGENT_DB_PASSWORD");

    private static int appHttpPort() {
        Map<String, Object> yaml = loadOne("src/main/resources/application.yaml");
        return (Integer) map(map(yaml.get("quarkus"), "quarkus").get("http"), "quarkus.http").get("port");
    }

    // ---------------------------------------------------------------- docker-compose.litellm.yml

    @Test
    void composeDefinesLitellmAndGatewayServices() {
        Map<String, Object> services = composeServices();
        assertTrue(services.containsKey("litellm"), "compose has no 'litellm' service: " + services.keySet());
        assertTrue(services.containsKey("gateway"), "compose has no 'gateway' service: " + services.keySet());
    }

    @Test
    void litellmImageIsPinned() {
        String image = string(litellmService().get("image"), "services.litellm.image");
        assertTrue(image.startsWith("ghcr.io/berriai/litellm"), "unexpected LiteLLM image: " + image);
        String afterRegistry = image.substring(image.lastIndexOf('/') + 1);
        int colon = afterRegistry.indexOf(':');
        assertTrue(colon > 0 && colon < afterRegistry.length() - 1, "LiteLLM image has no tag: " + image);
        String tag = afterRegistry.substring(colon + 1);
        assertFalse(Set.of("latest", "main-latest", "main-stable", "main", "stable").contains(tag),
                "LiteLLM image tag is a moving tag, pin a release: " + image);
        assertTrue(tag.matches(".*\\d+\\.\\d+\\.\\d+.*"), "LiteLLM image tag names no version: " + image);
    }

    @Test
    void litellmHealthcheckHitsLiveliness() {
        Map<String, Object> healthcheck = map(litellmService().get("healthcheck"), "services.litellm.healthcheck");
        String test = String.valueOf(healthcheck.get("test"));
        assertTrue(test.contains("/health/liveliness"), "litellm healthcheck does not call /health/liveliness: " + test);
        assertTrue(test.contains("localhost:4000"), "litellm healthcheck does not target the proxy's port 4000: " + test);
    }

    @Test
    void litellmMountsItsConfigReadOnlyAndUsesIt() {
        List<String> volumes = strings(litellmService().get("volumes"), "services.litellm.volumes");
        assertTrue(volumes.contains("./litellm-config.yaml:/app/config.yaml:ro"),
                "litellm-config.yaml is not mounted read-only at /app/config.yaml: " + volumes);
        String command = String.join(" ", commandOf(litellmService().get("command")));
        assertTrue(command.contains("--config /app/config.yaml"), "litellm is not started with the mounted config: " + command);
        assertTrue(command.contains("--port 4000"), "litellm does not listen on 4000: " + command);
    }

    @Test
    void litellmTakesVendorKeysFromEnvFileAndMasterKeyFromEnvironment() {
        Map<String, Object> litellm = litellmService();
        List<String> envFiles = envFiles(litellm.get("env_file"));
        assertTrue(envFiles.contains(".env.litellm"), "litellm must read vendor keys from env_file .env.litellm: " + envFiles);
        Map<String, String> environment = environment(litellm.get("environment"), "services.litellm.environment");
        String masterKey = environment.get("LITELLM_MASTER_KEY");
        assertNotNull(masterKey, "litellm has no LITELLM_MASTER_KEY in its environment: " + environment.keySet());
        assertTrue(masterKey.startsWith("${LITELLM_MASTER_KEY:?"),
                "LITELLM_MASTER_KEY must be required from the environment (${LITELLM_MASTER_KEY:?...}), got " + masterKey);
    }

    @Test
    void gatewayWaitsForHealthyLitellm() {
        Map<String, Object> dependsOn = map(gatewayService().get("depends_on"), "services.gateway.depends_on");
        Map<String, Object> litellm = map(dependsOn.get("litellm"), "services.gateway.depends_on.litellm");
        assertEquals("service_healthy", litellm.get("condition"),
                "gateway must wait for a healthy litellm (depends_on.litellm.condition)");
    }

    @Test
    void gatewayIsBuiltFromTheJvmDockerfileAndPublishesPort8000() {
        Map<String, Object> build = map(gatewayService().get("build"), "services.gateway.build");
        assertEquals(".", build.get("context"), "gateway build context");
        String dockerfile = string(build.get("dockerfile"), "services.gateway.build.dockerfile");
        assertTrue(Files.isRegularFile(BASE.resolve(dockerfile)), "gateway Dockerfile does not exist: " + dockerfile);

        List<String> ports = strings(gatewayService().get("ports"), "services.gateway.ports");
        assertTrue(ports.stream().anyMatch(p -> p.endsWith(":8000")),
                "gateway does not publish container port 8000: " + ports);
    }

    @Test
    void gatewayTalksToTheComposeProxy() {
        Map<String, String> environment = gatewayEnvironment();
        assertEquals("http://litellm:4000", environment.get("LITELLM_PROXY_URL"), "gateway LITELLM_PROXY_URL");
        assertEquals("/data", environment.get("OCTOAGENT_DATA_DIR"), "gateway OCTOAGENT_DATA_DIR");
        List<String> volumes = strings(gatewayService().get("volumes"), "services.gateway.volumes");
        assertTrue(volumes.stream().anyMatch(v -> v.endsWith(":/data")), "gateway has no volume at /data: " + volumes);
    }

    @Test
    void gatewayEnvironmentHoldsOnlyVariablesTheAppReads() {
        Map<String, String> environment = gatewayEnvironment();
        Set<String> unknown = new TreeSet<>(environment.keySet());
        unknown.removeAll(APP_VARIABLES);
        assertTrue(unknown.isEmpty(), "gateway environment sets variables the app does not read: " + unknown);
        assertFalse(envFiles(gatewayService().get("env_file")).contains(".env.litellm"),
                "the gateway must not receive the vendor keys in .env.litellm");
    }

    @Test
    void gatewayStopGraceExceedsShutdownGrace() {
        Object grace = gatewayService().get("stop_grace_period");
        assertNotNull(grace, "gateway has no stop_grace_period; Docker's 10 s default cuts the 20 s shutdown grace");
        Matcher seconds = Pattern.compile("(\\d+)s").matcher(String.valueOf(grace));
        assertTrue(seconds.matches(), "stop_grace_period should be written in seconds, e.g. 30s: " + grace);
        assertTrue(Integer.parseInt(seconds.group(1)) > GATEWAY_SHUTDOWN_GRACE_S,
                "stop_grace_period " + grace + " is not above the shutdown grace of " + GATEWAY_SHUTDOWN_GRACE_S + " s");
    }

    @Test
    void composeSubstitutesOnlyKnownVariables() {
        Set<String> allowed = new TreeSet<>(APP_VARIABLES);
        allowed.addAll(COMPOSE_ONLY_VARIABLES);
        Set<String> used = substitutions(read("docker-compose.litellm.yml"));
        used.removeAll(allowed);
        assertTrue(used.isEmpty(), "docker-compose.litellm.yml substitutes unknown variables: " + used);
    }

    // ---------------------------------------------------------------- .env examples, .gitignore

    @Test
    void envExampleListsExactlyTheGatewayAndComposeVariables() {
        Set<String> expected = new TreeSet<>(APP_VARIABLES);
        expected.addAll(COMPOSE_ONLY_VARIABLES);
        Set<String> actual = new TreeSet<>(parseEnvFile(".env.example").keySet());
        assertEquals(expected, actual, ".env.example variables");
    }

    @Test
    void envExampleDefaultsMatchTheApp() {
        Map<String, String> env = parseEnvFile(".env.example");
        assertEquals("litellm", env.get("OCTOAGENT_LLM_MODE"), ".env.example OCTOAGENT_LLM_MODE");
        assertEquals("http://localhost:4000", env.get("LITELLM_PROXY_URL"), ".env.example LITELLM_PROXY_URL");
        assertEquals("60", env.get("OCTOAGENT_LLM_TIMEOUT_S"), ".env.example OCTOAGENT_LLM_TIMEOUT_S");
        assertEquals("echo", env.get("OCTOAGENT_LLM_FALLBACK"), ".env.example OCTOAGENT_LLM_FALLBACK");
        assertEquals("20s", env.get("OCTOAGENT_SHUTDOWN_GRACE"), ".env.example OCTOAGENT_SHUTDOWN_GRACE");
    }

    @Test
    void envExamplesHoldNoKeyValues() {
        for (String file : List.of(".env.example", ".env.litellm.example")) {
            parseEnvFile(file).forEach((name, value) -> {
                if (name.endsWith("_KEY")) {
                    assertEquals("", value, file + " gives " + name + " a value; example files must leave keys empty");
                }
            });
        }
        Set<String> litellmVariables = parseEnvFile(".env.litellm.example").keySet();
        assertTrue(litellmVariables.containsAll(Set.of("OPENAI_API_KEY", "ANTHROPIC_API_KEY")),
                ".env.litellm.example lacks the vendor keys the LiteLLM config uses: " + litellmVariables);
    }

    @Test
    void gitignoreKeepsEnvFilesOutButExamplesIn() {
        Set<String> lines = read(".gitignore").lines().map(String::strip).collect(Collectors.toSet());
        for (String required : List.of(".env", ".env.*", "!.env.example", "!.env.litellm.example")) {
            assertTrue(lines.contains(required), ".gitignore lacks the line '" + required + "'");
        }
    }

    @Test
    void dockerignoreSendsNoEnvFiles() {
        List<String> lines = read(".dockerignore").lines().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).collect(Collectors.toList());
        assertEquals("*", lines.isEmpty() ? null : lines.get(0), ".dockerignore should start by excluding everything");
        for (String required : List.of("!target/quarkus-app", "!mvnw", "!.mvn", "!pom.xml", "!src")) {
            assertTrue(lines.contains(required), ".dockerignore does not let in '" + required + "'");
        }
        assertTrue(lines.stream().noneMatch(l -> l.startsWith("!") && l.contains(".env")),
                ".dockerignore lets an .env file into the build context: " + lines);
        assertTrue(lines.containsAll(List.of(".env", ".env.*")), ".dockerignore should exclude .env and .env.* explicitly");
    }

    // ---------------------------------------------------------------- litellm-config.yaml

    @Test
    void litellmConfigDefinesExactlyTheThreeRuntimeGroups() {
        Set<String> groups = litellmModelList().stream()
                .map(entry -> string(entry.get("model_name"), "model_list[].model_name"))
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(RUNTIME_GROUPS), groups, "litellm-config.yaml model_name groups");
    }

    @Test
    void litellmGroupsMatchTheAliasRuntimeGroupsOfTheApp() {
        Set<String> configGroups = litellmModelList().stream()
                .map(entry -> string(entry.get("model_name"), "model_list[].model_name"))
                .collect(Collectors.toCollection(TreeSet::new));
        Map<String, String> aliases = aliasRuntimeGroups();
        assertEquals(Set.of("router", "extractor", "summarizer", "planner", "executor", "fallback"), aliases.keySet(),
                "aliases in src/main/resources/application.yaml (octoagent.llm.aliases)");
        assertEquals(configGroups, new TreeSet<>(aliases.values()),
                "runtime groups of the aliases in application.yaml vs model groups in litellm-config.yaml");
    }

    @Test
    void litellmDeploymentsTakeKeysFromTheEnvironment() {
        for (Map<String, Object> entry : litellmModelList()) {
            Map<String, Object> params = map(entry.get("litellm_params"), "litellm_params of " + entry.get("model_name"));
            string(params.get("model"), "litellm_params.model of " + entry.get("model_name"));
            Object apiKey = params.get("api_key");
            if (apiKey != null) {
                assertTrue(String.valueOf(apiKey).startsWith("os.environ/"),
                        "api_key of group " + entry.get("model_name") + " must be an os.environ/ reference, not a literal");
            }
        }
    }

    @Test
    void litellmRouterFallsBackFromCheapAndMain() {
        Map<String, Object> router = map(litellmConfig().get("router_settings"), "router_settings");
        Map<String, List<String>> fallbacks = new LinkedHashMap<>();
        for (Object item : list(router.get("fallbacks"), "router_settings.fallbacks")) {
            map(item, "router_settings.fallbacks[]").forEach((from, to) ->
                    fallbacks.put(from, strings(to, "router_settings.fallbacks[]." + from)));
        }
        assertEquals(List.of("fallback"), fallbacks.get("cheap"), "router fallback for group cheap: " + fallbacks);
        assertEquals(List.of("fallback"), fallbacks.get("main"), "router fallback for group main: " + fallbacks);

        assertInstanceOf(Integer.class, router.get("num_retries"), "router_settings.num_retries must be a number");
        Object timeout = router.containsKey("timeout") ? router.get("timeout") : router.get("request_timeout");
        assertInstanceOf(Number.class, timeout, "router_settings needs a numeric timeout");
    }

    /**
     * The gateway must outwait the proxy's worst case, or a proxy success (answered from the
     * fallback group after the main group's attempts timed out) becomes an echo answer and a
     * breaker count: per group, (1 + num_retries) attempts of {@code timeout} each, for the
     * requested group and then each group of its fallback chain, plus a second per attempt of
     * the proxy's own overhead (22 s seen for 2 × 10 s).
     */
    @Test
    void theGatewayTimeoutOutlastsTheProxysWorstCase() {
        Map<String, Object> router = map(litellmConfig().get("router_settings"), "router_settings");
        double timeout = ((Number) router.get("timeout")).doubleValue();
        int attempts = 1 + (Integer) router.get("num_retries");
        int longestChain = 1;
        for (Object item : list(router.get("fallbacks"), "router_settings.fallbacks")) {
            for (Object to : map(item, "fallbacks[]").values()) {
                longestChain = Math.max(longestChain, 1 + strings(to, "fallbacks[].to").size());
            }
        }
        int groups = longestChain;
        double worstCase = groups * attempts * (timeout + 1);
        Map<String, Object> llm = map(map(loadOne("src/main/resources/application.yaml").get("octoagent"), "octoagent")
                .get("llm"), "octoagent.llm");
        Matcher appDefault = Pattern.compile("\\$\\{OCTOAGENT_LLM_TIMEOUT_S:(\\d+)}").matcher(String.valueOf(llm.get("timeout-s")));
        assertTrue(appDefault.matches(), "octoagent.llm.timeout-s: " + llm.get("timeout-s"));
        Map<String, Object> configMap = map(kubernetesDocument("configmap.yaml", "ConfigMap").get("data"), "data");
        Map<String, String> settings = Map.of(
                "the application default", appDefault.group(1),
                ".env.example", parseEnvFile(".env.example").get("OCTOAGENT_LLM_TIMEOUT_S"),
                "the Kubernetes ConfigMap", String.valueOf(configMap.get("OCTOAGENT_LLM_TIMEOUT_S")));
        settings.forEach((where, value) -> assertTrue(Integer.parseInt(value) > worstCase, where
                + " sets OCTOAGENT_LLM_TIMEOUT_S=" + value + ", not above the proxy's worst case of " + worstCase
                + " s (" + groups + " groups x " + attempts + " attempts x (" + timeout + " s + 1 s))"));
        assertTrue(read("docker-compose.litellm.yml").contains("${OCTOAGENT_LLM_TIMEOUT_S:-" + appDefault.group(1) + "}"),
                "compose's default for OCTOAGENT_LLM_TIMEOUT_S differs from the application's");
    }

    @Test
    void litellmSettingsAndMasterKey() {
        Map<String, Object> config = litellmConfig();
        Map<String, Object> settings = map(config.get("litellm_settings"), "litellm_settings");
        assertEquals(Boolean.TRUE, settings.get("drop_params"), "litellm_settings.drop_params");
        Map<String, Object> general = map(config.get("general_settings"), "general_settings");
        assertEquals("os.environ/LITELLM_MASTER_KEY", general.get("master_key"), "general_settings.master_key");
    }

    // ---------------------------------------------------------------- application.yaml

    @Test
    void applicationYamlReadsOnlyDocumentedVariables() {
        Set<String> used = substitutions(read("src/main/resources/application.yaml"));
        Set<String> unknown = new TreeSet<>(used);
        unknown.removeAll(APP_VARIABLES);
        assertTrue(unknown.isEmpty(), "application.yaml reads variables missing from .env.example and the docs: " + unknown);
    }

    // ---------------------------------------------------------------- Dockerfiles

    @Test
    void jvmDockerfileRunsTheFastJarOnPort8000() {
        String dockerfile = read("src/main/docker/Dockerfile.jvm");
        assertTrue(dockerfile.contains("openjdk-17-runtime:"), "Dockerfile.jvm should use a pinned ubi9 openjdk-17-runtime");
        for (String part : List.of("lib/", "*.jar", "app/", "quarkus/")) {
            assertTrue(dockerfile.contains("target/quarkus-app/" + part), "Dockerfile.jvm does not copy target/quarkus-app/" + part);
        }
        assertTrue(dockerfile.contains("-Dquarkus.http.host=0.0.0.0"), "Dockerfile.jvm must bind 0.0.0.0");
        assertDockerfileBasics("Dockerfile.jvm", dockerfile, "185");
    }

    @Test
    void jvmImageSizesItsHeapFromThePodsMemoryLimit() {
        String dockerfile = read("src/main/docker/Dockerfile.jvm").replace("\\\n", " ");
        java.util.regex.Matcher share = java.util.regex.Pattern.compile("-XX:MaxRAMPercentage=(\\d+)").matcher(dockerfile);
        assertTrue(share.find(), "Dockerfile.jvm should size the heap as a share of the container's limit");
        int percent = Integer.parseInt(share.group(1));
        Map<String, Object> limits = map(map(gatewayContainer().get("resources"), "resources").get("limits"), "limits");
        String memory = String.valueOf(limits.get("memory"));
        assertTrue(memory.endsWith("Mi"), "memory limit in Mi: " + memory);
        long heapMiB = Long.parseLong(memory.replace("Mi", "")) * percent / 100;
        // What is not heap (metaspace, code cache, threads, SQLite's pages) measured ~150 MiB.
        assertTrue(heapMiB >= 128 && Long.parseLong(memory.replace("Mi", "")) - heapMiB >= 160,
                "heap " + heapMiB + " MiB of a " + memory + " limit leaves too little for the rest (or too little heap)");
        assertTrue(dockerfile.contains("-XX:+ExitOnOutOfMemoryError"), "an OOM should restart the pod, not linger");
    }

    @Test
    void nativeDockerfileBuildsInsideDocker() {
        String dockerfile = read("src/main/docker/Dockerfile.native");
        List<String> froms = dockerfile.lines().map(String::strip).filter(l -> l.startsWith("FROM ")).collect(Collectors.toList());
        assertEquals(2, froms.size(), "Dockerfile.native should have a build stage and a runtime stage: " + froms);
        assertTrue(froms.get(0).contains("quarkus-mandrel-builder-image:jdk-"), "stage 1 should be the Mandrel builder: " + froms.get(0));
        assertTrue(froms.get(1).contains("quarkus-micro-image:"), "stage 2 should be the Quarkus micro image: " + froms.get(1));
        List<String> lines = dockerfile.lines().map(String::strip).collect(Collectors.toList());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("RUN ") && l.contains("mvnw") && l.contains(" package") && l.contains("-Dnative")),
                "Dockerfile.native has no 'RUN ./mvnw ... package -Dnative' step");
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("COPY ") && l.contains("--from=") && l.contains("-runner")),
                "Dockerfile.native does not copy the *-runner executable from the build stage");
        assertTrue(dockerfile.contains("-Dquarkus.http.host=0.0.0.0"), "Dockerfile.native must bind 0.0.0.0");
        assertDockerfileBasics("Dockerfile.native", dockerfile, "1001");
    }

    private static void assertDockerfileBasics(String name, String dockerfile, String user) {
        List<String> lines = dockerfile.lines().map(String::strip).collect(Collectors.toList());
        for (String line : lines) {
            if (line.startsWith("FROM ")) {
                String image = line.split("\\s+")[1];
                assertTrue(image.contains(":") && !image.endsWith(":latest"), name + " base image is not pinned: " + image);
            }
        }
        assertTrue(lines.contains("EXPOSE 8000"), name + " does not EXPOSE 8000");
        assertTrue(lines.contains("ENV OCTOAGENT_DATA_DIR=/data"), name + " does not set OCTOAGENT_DATA_DIR=/data");
        assertTrue(lines.contains("VOLUME /data"), name + " does not declare VOLUME /data");
        List<String> users = lines.stream().filter(l -> l.startsWith("USER ")).collect(Collectors.toList());
        assertFalse(users.isEmpty(), name + " sets no USER");
        assertEquals("USER " + user, users.get(users.size() - 1), name + " must finally run as a non-root user");
    }

    // ---------------------------------------------------------------- Kubernetes

    @Test
    void deploymentRunsOneReplicaThatNeverOverlaps() {
        Map<String, Object> spec = map(deployment().get("spec"), "Deployment.spec");
        assertEquals(1, spec.get("replicas"), "Deployment replicas (embedded SQLite allows one writer)");
        Map<String, Object> strategy = map(spec.get("strategy"), "Deployment.spec.strategy");
        assertEquals("Recreate", strategy.get("type"), "Deployment strategy (two pods must not open the same SQLite file)");
    }

    @Test
    void deploymentProbesUseTheQuarkusHealthEndpoints() {
        Map<String, Object> container = gatewayContainer();
        Set<Object> portNames = new HashSet<>();
        portNames.add(8000);
        for (Object port : list(container.get("ports"), "containers[].ports")) {
            Map<String, Object> p = map(port, "containers[].ports[]");
            if (Integer.valueOf(8000).equals(p.get("containerPort")) && p.get("name") != null) {
                portNames.add(p.get("name"));
            }
        }
        Map<String, String> expected = Map.of(
                "livenessProbe", "/q/health/live",
                "readinessProbe", "/q/health/ready",
                "startupProbe", "/q/health/started");
        expected.forEach((probe, path) -> {
            Map<String, Object> httpGet = map(map(container.get(probe), probe).get("httpGet"), probe + ".httpGet");
            assertEquals(path, httpGet.get("path"), probe + " path");
            assertTrue(portNames.contains(httpGet.get("port")),
                    probe + " port " + httpGet.get("port") + " is not container port 8000 (or its name) " + portNames);
        });
    }

    @Test
    void deploymentGivesShutdownGraceAndRunsLockedDown() {
        Map<String, Object> podSpec = podSpec();
        Object termination = podSpec.get("terminationGracePeriodSeconds");
        assertInstanceOf(Integer.class, termination, "terminationGracePeriodSeconds must be set");
        assertTrue((Integer) termination > GATEWAY_SHUTDOWN_GRACE_S,
                "terminationGracePeriodSeconds " + termination + " must exceed the shutdown grace of " + GATEWAY_SHUTDOWN_GRACE_S + " s");

        Map<String, Object> podSecurity = map(podSpec.get("securityContext"), "pod securityContext");
        Map<String, Object> containerSecurity = map(gatewayContainer().get("securityContext"), "container securityContext");
        Object runAsNonRoot = containerSecurity.containsKey("runAsNonRoot")
                ? containerSecurity.get("runAsNonRoot") : podSecurity.get("runAsNonRoot");
        assertEquals(Boolean.TRUE, runAsNonRoot, "runAsNonRoot");
        assertEquals(Boolean.TRUE, containerSecurity.get("readOnlyRootFilesystem"), "readOnlyRootFilesystem");
        assertEquals(Boolean.FALSE, containerSecurity.get("allowPrivilegeEscalation"), "allowPrivilegeEscalation");
    }

    @Test
    void deploymentMountsThePersistentVolumeAtData() {
        String pvcName = null;
        for (Object volume : list(podSpec().get("volumes"), "pod volumes")) {
            Map<String, Object> v = map(volume, "pod volumes[]");
            Object claim = v.get("persistentVolumeClaim");
            if (claim != null && "octoagent-gateway-data".equals(map(claim, "persistentVolumeClaim").get("claimName"))) {
                pvcName = String.valueOf(v.get("name"));
            }
        }
        assertNotNull(pvcName, "no pod volume uses the PersistentVolumeClaim octoagent-gateway-data");
        String volumeName = pvcName;
        boolean mountedAtData = list(gatewayContainer().get("volumeMounts"), "volumeMounts").stream()
                .map(m -> map(m, "volumeMounts[]"))
                .anyMatch(m -> volumeName.equals(m.get("name")) && "/data".equals(m.get("mountPath")));
        assertTrue(mountedAtData, "volume " + volumeName + " (PVC octoagent-gateway-data) is not mounted at /data");

        Map<String, Object> pvc = kubernetesDocument("pvc.yaml", "PersistentVolumeClaim");
        assertEquals("octoagent-gateway-data", map(pvc.get("metadata"), "PVC metadata").get("name"), "PVC name");
    }

    @Test
    void deploymentTakesSettingsFromConfigMapAndSecret() {
        List<Object> envFrom = list(gatewayContainer().get("envFrom"), "containers[].envFrom");
        String text = String.valueOf(envFrom);
        assertTrue(text.contains("configMapRef") && text.contains("secretRef"), "envFrom must use the ConfigMap and the Secret: " + text);

        Map<String, Object> configMap = kubernetesDocument("configmap.yaml", "ConfigMap");
        Map<String, Object> data = map(configMap.get("data"), "ConfigMap.data");
        Set<String> unknown = new TreeSet<>(data.keySet());
        unknown.removeAll(APP_VARIABLES);
        assertTrue(unknown.isEmpty(), "ConfigMap sets variables the app does not read: " + unknown);
        assertEquals("/data", data.get("OCTOAGENT_DATA_DIR"), "ConfigMap OCTOAGENT_DATA_DIR");
        assertFalse(data.containsKey("LITELLM_PROXY_KEY"), "the proxy key belongs in the Secret, not the ConfigMap");
    }

    @Test
    void theSecretIsGeneratedFromALocalFileNeverCommitted() {
        Map<String, Object> kustomization = loadOne("deploy/kubernetes/kustomization.yaml");
        List<String> resources = strings(kustomization.get("resources"), "kustomization resources");
        for (String resource : resources) {
            assertFalse(read("deploy/kubernetes/" + resource).contains("kind: Secret"),
                    resource + " is a committed Secret: applying it would reset the proxy key");
        }
        List<Object> generators = list(kustomization.get("secretGenerator"), "kustomization secretGenerator");
        assertEquals(1, generators.size());
        Map<String, Object> generator = map(generators.get(0), "secretGenerator[0]");
        assertEquals("octoagent-gateway", generator.get("name"), "the generated Secret is the one envFrom names");
        assertEquals(List.of("gateway-secret.env"), strings(generator.get("envs"), "secretGenerator envs"));
        Map<String, String> example = parseEnvFile("deploy/kubernetes/gateway-secret.env.example");
        assertEquals(Map.of("LITELLM_PROXY_KEY", "", "OCTOAGENT_API_TOKENS", ""), example,
                "the example declares the key and the API tokens, empty");
        assertTrue(read(".gitignore").lines().anyMatch("deploy/kubernetes/gateway-secret.env"::equals),
                ".gitignore must keep the real gateway-secret.env out");
        String secretRef = String.valueOf(list(gatewayContainer().get("envFrom"), "envFrom"));
        assertTrue(secretRef.contains("name=octoagent-gateway"), "envFrom names the generated Secret: " + secretRef);
    }

    @Test
    void prometheusIsToldWhereToScrapeAndItMatchesTheApp() {
        Map<String, Object> template = map(map(deployment().get("spec"), "Deployment.spec").get("template"), "template");
        Map<String, Object> annotations = map(map(template.get("metadata"), "template.metadata").get("annotations"),
                "template annotations");
        assertEquals("true", annotations.get("prometheus.io/scrape"));
        assertEquals(String.valueOf(appHttpPort()), annotations.get("prometheus.io/port"), "scrape port = the app's port");
        assertEquals(METRICS_PATH, annotations.get("prometheus.io/path"), "scrape path = the app's metrics path");
        assertFalse(read("src/main/resources/application.yaml").contains("prometheus:"),
                "application.yaml moves the metrics path; update the scrape settings with it");

        Map<String, Object> monitor = loadOne("deploy/kubernetes/examples/servicemonitor.yaml");
        assertEquals("ServiceMonitor", monitor.get("kind"));
        Map<String, Object> endpoint = map(list(map(monitor.get("spec"), "ServiceMonitor.spec").get("endpoints"),
                "endpoints").get(0), "endpoints[0]");
        Map<String, Object> servicePort = map(list(map(kubernetesDocument("service.yaml", "Service").get("spec"),
                "Service.spec").get("ports"), "Service ports").get(0), "Service ports[0]");
        assertEquals(servicePort.get("name"), endpoint.get("port"), "the ServiceMonitor scrapes the Service's port");
        assertEquals(METRICS_PATH, endpoint.get("path"));
    }

    @Test
    void theImagesTheFilesNameAreTheImagesTheDocumentedBuildsProduce() {
        String readme = read("README.md");
        String image = string(gatewayContainer().get("image"), "containers[].image");
        assertTrue(readme.contains("Dockerfile.native -t " + image + " "), "the README builds no " + image);
        assertTrue(read("src/main/docker/Dockerfile.native").contains("-t " + image + " "),
                "Dockerfile.native's own build line tags another image than the Deployment's " + image);
        String composeImage = string(gatewayService().get("image"), "services.gateway.image");
        assertTrue(readme.contains("-t\n" + composeImage) || readme.contains("-t " + composeImage)
                || readme.replace("\n", " ").contains("-t " + composeImage), "the README builds no " + composeImage);
        assertTrue(read("src/main/docker/Dockerfile.jvm").contains("-t " + composeImage + " "),
                "Dockerfile.jvm's own build line tags another image than Compose's " + composeImage);
    }

    @Test
    void silentConnectionsAreClosedWithinAMinute() {
        Map<String, Object> http = map(map(loadOne("src/main/resources/application.yaml").get("quarkus"), "quarkus")
                .get("http"), "quarkus.http");
        Matcher seconds = Pattern.compile("(\\d+)s").matcher(String.valueOf(http.get("idle-timeout")));
        assertTrue(seconds.matches() && Integer.parseInt(seconds.group(1)) <= 60,
                "quarkus.http.idle-timeout should be set, in seconds, at most 60 (Quarkus's default is 30 minutes): "
                        + http.get("idle-timeout"));
    }

    @Test
    void theReadmeConfigurationTableListsEverySettingTheAppReads() {
        Set<String> documented = new TreeSet<>();
        Matcher row = Pattern.compile("(?m)^\\| `([A-Z][A-Z0-9_]+)` \\|").matcher(read("README.md"));
        while (row.find()) {
            documented.add(row.group(1));
        }
        // Quarkus's own settings have their table; this one is the gateway's mapping.
        documented.removeIf(name -> name.startsWith("QUARKUS_"));
        assertEquals(new TreeSet<>(APP_VARIABLES), documented, "README configuration table vs the configuration mapping");
    }

    @Test
    void serviceExposesPort8000() {
        Map<String, Object> service = kubernetesDocument("service.yaml", "Service");
        Map<String, Object> spec = map(service.get("spec"), "Service.spec");
        Map<String, Object> port = map(list(spec.get("ports"), "Service.spec.ports").get(0), "Service.spec.ports[0]");
        assertEquals(8000, port.get("port"), "Service port");
        assertEquals("http", port.get("targetPort"), "Service targetPort");
    }

    @Test
    void theRendererBuildsTheBaseAsCommitted() {
        List<Map<String, Object>> base = render(KUBERNETES_BASE);
        for (String file : List.of("configmap.yaml", "pvc.yaml", "deployment.yaml", "service.yaml")) {
            Map<String, Object> committed = loadOne(KUBERNETES_BASE + "/" + file);
            assertEquals(committed, renderedResource(base, string(committed.get("kind"), file)), "rendered " + file);
        }
        Map<String, Object> secret = renderedResource(base, "Secret", "octoagent-gateway");
        assertEquals(parseEnvFile(KUBERNETES_BASE + "/gateway-secret.env.example").keySet(),
                map(secret.get("data"), "Secret data").keySet(), "the generated Secret's keys");
        assertEquals(5, base.size(), "the base builds its four files and the Secret: " + base.stream().map(KustomizeRenderer::id).toList());
    }

    // ---------------------------------------------------------------- Kubernetes: the PostgreSQL overlay

    @Test
    void postgresOverlayBuildsOnTheBaseWithoutAVolumeClaim() {
        Path overlayDir = BASE.resolve(POSTGRES_OVERLAY);
        List<Path> resources = strings(loadOne(POSTGRES_OVERLAY + "/kustomization.yaml").get("resources"), "overlay resources")
                .stream().map(r -> overlayDir.resolve(r).normalize()).collect(Collectors.toList());
        assertTrue(resources.contains(BASE.resolve(KUBERNETES_BASE)), "the overlay should build on the base " + KUBERNETES_BASE + ": " + resources);

        List<Map<String, Object>> overlay = postgresRender();
        assertTrue(overlay.stream().noneMatch(r -> "PersistentVolumeClaim".equals(r.get("kind"))),
                "the replicas share no volume; the overlay still creates a PersistentVolumeClaim");
        Map<String, Map<String, Object>> volumes = new LinkedHashMap<>();
        for (Object volume : list(renderedPodSpec(overlay).get("volumes"), "pod volumes")) {
            Map<String, Object> v = map(volume, "pod volumes[]");
            assertFalse(v.containsKey("persistentVolumeClaim"), "pod volume " + v.get("name") + " still uses a claim: " + v);
            volumes.put(string(v.get("name"), "volumes[].name"), v);
        }
        Map<String, String> mounts = new LinkedHashMap<>();
        for (Object mount : list(renderedContainer(overlay).get("volumeMounts"), "volumeMounts")) {
            Map<String, Object> m = map(mount, "volumeMounts[]");
            assertTrue(volumes.containsKey(m.get("name")), "volumeMount " + m + " names no pod volume " + volumes.keySet());
            mounts.put(string(m.get("mountPath"), "mountPath"), string(m.get("name"), "volumeMounts[].name"));
        }
        // The root filesystem is read-only: the data directory the app is given stays a writable (scratch) mount.
        String dataDir = value(effectiveEnvironment(overlay), "OCTOAGENT_DATA_DIR");
        assertTrue(mounts.containsKey(dataDir), "nothing is mounted at OCTOAGENT_DATA_DIR " + dataDir + ": " + mounts);
        assertTrue(volumes.get(mounts.get(dataDir)).containsKey("emptyDir"),
                "the volume at " + dataDir + " should be an emptyDir: " + volumes.get(mounts.get(dataDir)));
    }

    @Test
    void postgresOverlayRunsThreeReplicasThatRollWithoutLosingCapacity() {
        Map<String, Object> spec = map(renderedResource(postgresRender(), "Deployment").get("spec"), "Deployment.spec");
        assertEquals(3, spec.get("replicas"), "overlay Deployment replicas");
        Map<String, Object> strategy = map(spec.get("strategy"), "Deployment.spec.strategy");
        assertEquals("RollingUpdate", strategy.get("type"), "overlay strategy (replicas share the database, pods may overlap)");
        Map<String, Object> rolling = map(strategy.get("rollingUpdate"), "strategy.rollingUpdate");
        assertEquals(0, rolling.get("maxUnavailable"), "a rollout should start a new pod before it stops an old one");
        assertTrue(rolling.get("maxSurge") instanceof Integer surge && surge >= 1,
                "with maxUnavailable 0, maxSurge must be at least 1 or the rollout never moves: " + rolling);
    }

    @Test
    void postgresOverlayDisruptionBudgetSelectsTheGatewayAndLetsOnePodGo() {
        List<Map<String, Object>> overlay = postgresRender();
        Map<String, Object> deploymentSpec = map(renderedResource(overlay, "Deployment").get("spec"), "Deployment.spec");
        int replicas = (Integer) deploymentSpec.get("replicas");
        Map<String, Object> podLabels = map(map(map(deploymentSpec.get("template"), "template").get("metadata"),
                "template.metadata").get("labels"), "pod labels");

        Map<String, Object> budget = renderedResource(overlay, "PodDisruptionBudget");
        assertEquals("policy/v1", budget.get("apiVersion"), "PodDisruptionBudget apiVersion");
        Map<String, Object> spec = map(budget.get("spec"), "PodDisruptionBudget.spec");
        Map<String, Object> selector = map(spec.get("selector"), "PodDisruptionBudget selector");
        assertFalse(selector.containsKey("matchExpressions"), "select the pods by matchLabels only: " + selector);
        Map<String, Object> matchLabels = map(selector.get("matchLabels"), "PodDisruptionBudget matchLabels");
        assertFalse(matchLabels.isEmpty(), "an empty selector matches every pod of the namespace");
        assertTrue(podLabels.entrySet().containsAll(matchLabels.entrySet()),
                "the budget's selector " + matchLabels + " does not select the gateway's pods " + podLabels);

        int allowed = allowedDisruptions(spec, replicas);
        assertTrue(allowed >= 1, "at " + replicas + " replicas the budget allows no eviction; node drains would hang: " + spec);
        assertTrue(allowed < replicas, "at " + replicas + " replicas the budget lets every pod go: " + spec);
    }

    @Test
    void postgresOverlaySelectsThePostgresStoreAndTakesTheConnectionFromTheGeneratedSecret() {
        List<Map<String, Object>> overlay = postgresRender();
        Map<String, EnvSource> environment = effectiveEnvironment(overlay);
        assertEquals("postgres", value(environment, "OCTOAGENT_STORE"), "OCTOAGENT_STORE in the overlay's container");

        Map<String, Object> kustomization = loadOne(POSTGRES_OVERLAY + "/kustomization.yaml");
        Map<String, List<String>> generated = new LinkedHashMap<>();
        for (Object generator : list(kustomization.get("secretGenerator"), "overlay secretGenerator")) {
            Map<String, Object> g = map(generator, "overlay secretGenerator[]");
            generated.put(string(g.get("name"), "secretGenerator name"), strings(g.get("envs"), "secretGenerator envs"));
        }
        for (String variable : new TreeSet<>(DB_CONNECTION_VARIABLES)) {
            EnvSource source = environment.get(variable);
            assertNotNull(source, variable + " does not reach the container");
            assertEquals("Secret", source.kind(), variable + " must come from a Secret: " + source);
            assertEquals(List.of("db-secret.env"), generated.get(source.object()),
                    variable + " must come from the Secret the overlay generates from db-secret.env, not " + source.object());
        }
        // As in the base: a committed Secret would reset the credentials on every apply.
        for (Path file : overlayFiles()) {
            assertFalse(read(BASE.relativize(file).toString()).contains("kind: Secret"), file + " is a committed Secret");
        }
    }

    @Test
    void postgresOverlaySetsOnlyVariablesTheAppReads() {
        List<Map<String, Object>> overlay = postgresRender();
        Set<String> unknown = new TreeSet<>(effectiveEnvironment(overlay).keySet());
        for (Map<String, Object> resource : overlay) {
            if ("ConfigMap".equals(resource.get("kind")) || "Secret".equals(resource.get("kind"))) {
                unknown.addAll(map(resource.get("data"), KustomizeRenderer.id(resource) + " data").keySet());
            }
        }
        unknown.removeAll(APP_VARIABLES);
        assertTrue(unknown.isEmpty(), "the overlay sets variables the app does not read: " + unknown);
    }

    @Test
    void postgresOverlayKeepsTheBasePodApartFromStorage() {
        List<Map<String, Object>> base = render(KUBERNETES_BASE);
        List<Map<String, Object>> overlay = postgresRender();
        Map<String, Object> baseContainer = renderedContainer(base);
        Map<String, Object> overlayContainer = renderedContainer(overlay);
        for (String field : List.of("startupProbe", "livenessProbe", "readinessProbe", "image", "ports", "envFrom",
                "resources", "securityContext")) {
            assertEquals(baseContainer.get(field), overlayContainer.get(field), "the overlay changes the container's " + field);
        }
        Map<String, Object> basePod = renderedPodSpec(base);
        Map<String, Object> overlayPod = renderedPodSpec(overlay);
        for (String field : List.of("securityContext", "terminationGracePeriodSeconds", "automountServiceAccountToken",
                "enableServiceLinks")) {
            assertEquals(basePod.get(field), overlayPod.get(field), "the overlay changes the pod's " + field);
        }
        Map<String, Object> baseSpec = map(renderedResource(base, "Deployment").get("spec"), "base Deployment.spec");
        Map<String, Object> overlaySpec = map(renderedResource(overlay, "Deployment").get("spec"), "overlay Deployment.spec");
        assertEquals(baseSpec.get("selector"), overlaySpec.get("selector"), "the overlay changes the Deployment's selector");
        assertEquals(map(baseSpec.get("template"), "template").get("metadata"), map(overlaySpec.get("template"), "template").get("metadata"),
                "the overlay changes the pod's labels or annotations");
    }

    @Test
    void postgresOverlayGivesShutdownGrace() {
        List<Map<String, Object>> overlay = postgresRender();
        EnvSource grace = effectiveEnvironment(overlay).get("OCTOAGENT_SHUTDOWN_GRACE");
        int graceSeconds = GATEWAY_SHUTDOWN_GRACE_S;
        if (grace != null) {
            Matcher seconds = Pattern.compile("(\\d+)s").matcher(grace.value());
            assertTrue(seconds.matches(), "OCTOAGENT_SHUTDOWN_GRACE should be written in seconds, e.g. 20s: " + grace.value());
            graceSeconds = Integer.parseInt(seconds.group(1));
        }
        Object termination = renderedPodSpec(overlay).get("terminationGracePeriodSeconds");
        assertInstanceOf(Integer.class, termination, "terminationGracePeriodSeconds must be set");
        assertTrue((Integer) termination > graceSeconds,
                "terminationGracePeriodSeconds " + termination + " must exceed the shutdown grace of " + graceSeconds + " s");
    }

    @Test
    void postgresSecretExampleHoldsNoPasswordAndTheRealFileIsIgnored() {
        Map<String, String> example = parseEnvFile(POSTGRES_OVERLAY + "/db-secret.env.example");
        assertEquals(new TreeSet<>(DB_CONNECTION_VARIABLES), new TreeSet<>(example.keySet()), "db-secret.env.example variables");
        assertEquals("", example.get("OCTOAGENT_DB_PASSWORD"), "db-secret.env.example must leave the password empty");
        String url = example.get("OCTOAGENT_DB_URL");
        assertTrue(url.isEmpty() || url.matches("(jdbc:)?postgresql://[^/@]+/[^@\\s]+"),
                "db-secret.env.example's URL should be postgresql://host:port/db, without credentials: " + url);
        assertFalse(url.toLowerCase(Locale.ROOT).contains("password"), "the example URL carries a password: " + url);
        assertTrue(read(".gitignore").lines().anyMatch((POSTGRES_OVERLAY + "/db-secret.env")::equals),
                ".gitignore must keep the real db-secret.env out");
        assertTrue(read(".dockerignore").lines().anyMatch("**/*.env"::equals),
                ".dockerignore must keep the Kubernetes secret env files out of the build context");
    }

    // ---------------------------------------------------------------- secrets anywhere

    @Test
    void noKeyLikeStringsInDeploymentFiles() throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> root = Files.list(BASE)) {
            root.filter(Files::isRegularFile).filter(DeploymentFilesTest::isCommittable).forEach(files::add);
        }
        for (String dir : List.of("deploy", "src/main/docker")) {
            Path path = BASE.resolve(dir);
            assertTrue(Files.isDirectory(path), dir + " is missing");
            try (Stream<Path> tree = Files.walk(path)) {
                tree.filter(Files::isRegularFile).forEach(files::add);
            }
        }
        assertFalse(files.isEmpty(), "no files scanned");
        List<String> offenders = new ArrayList<>();
        for (Path file : files) {
            String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
            if (OPENAI_STYLE_KEY.matcher(text).find()) {
                offenders.add(BASE.relativize(file).toString());
            }
        }
        assertTrue(offenders.isEmpty(), "files contain something that looks like an API key (sk-...): " + offenders);
    }

    /** A developer's own .env files are git-ignored and may hold real keys; the examples must not. */
    private static boolean isCommittable(Path file) {
        String name = file.getFileName().toString();
        boolean localEnv = name.equals(".env") || (name.startsWith(".env.") && !name.endsWith(".example"));
        return !localEnv;
    }

    // ---------------------------------------------------------------- helpers: loading

    private static String read(String relative) {
        Path path = BASE.resolve(relative);
        assertTrue(Files.isRegularFile(path), relative + " is missing (looked in " + BASE + ")");
        try {
            return Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Object> loadAll(String relative) {
        List<Object> documents = new ArrayList<>();
        for (Object document : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(read(relative))) {
            if (document != null) {
                documents.add(document);
            }
        }
        assertFalse(documents.isEmpty(), relative + " has no YAML document");
        return documents;
    }

    private static Map<String, Object> loadOne(String relative) {
        List<Object> documents = loadAll(relative);
        assertEquals(1, documents.size(), relative + " should hold exactly one YAML document");
        return map(documents.get(0), relative);
    }

    private static Map<String, Object> composeServices() {
        return map(loadOne("docker-compose.litellm.yml").get("services"), "compose services");
    }

    private static Map<String, Object> litellmService() {
        return map(composeServices().get("litellm"), "services.litellm");
    }

    private static Map<String, Object> gatewayService() {
        return map(composeServices().get("gateway"), "services.gateway");
    }

    private static Map<String, String> gatewayEnvironment() {
        return environment(gatewayService().get("environment"), "services.gateway.environment");
    }

    private static Map<String, Object> litellmConfig() {
        return loadOne("litellm-config.yaml");
    }

    private static List<Map<String, Object>> litellmModelList() {
        List<Map<String, Object>> entries = list(litellmConfig().get("model_list"), "model_list").stream()
                .map(e -> map(e, "model_list[]")).collect(Collectors.toList());
        assertFalse(entries.isEmpty(), "litellm-config.yaml model_list is empty");
        return entries;
    }

    /** Alias name → runtime group, from {@code octoagent.llm.aliases} in the app's application.yaml. */
    private static Map<String, String> aliasRuntimeGroups() {
        Map<String, Object> root = loadOne("src/main/resources/application.yaml");
        Map<String, Object> octoagent = map(root.get("octoagent"), "application.yaml octoagent");
        Map<String, Object> llm = map(octoagent.get("llm"), "application.yaml octoagent.llm");
        Map<String, Object> aliases = map(llm.get("aliases"), "application.yaml octoagent.llm.aliases");
        Map<String, String> groups = new LinkedHashMap<>();
        aliases.forEach((name, alias) -> groups.put(name,
                string(map(alias, "alias " + name).get("runtime-group"), "octoagent.llm.aliases." + name + ".runtime-group")));
        return groups;
    }

    private static Map<String, Object> kubernetesDocument(String file, String kind) {
        Map<String, Object> document = loadOne("deploy/kubernetes/" + file);
        assertEquals(kind, document.get("kind"), "kind of deploy/kubernetes/" + file);
        return document;
    }

    private static Map<String, Object> deployment() {
        Map<String, Object> deployment = kubernetesDocument("deployment.yaml", "Deployment");
        assertEquals("octoagent-gateway", map(deployment.get("metadata"), "Deployment.metadata").get("name"), "Deployment name");
        return deployment;
    }

    private static Map<String, Object> podSpec() {
        Map<String, Object> template = map(map(deployment().get("spec"), "Deployment.spec").get("template"), "pod template");
        return map(template.get("spec"), "pod template spec");
    }

    private static Map<String, Object> gatewayContainer() {
        List<Object> containers = list(podSpec().get("containers"), "pod containers");
        assertEquals(1, containers.size(), "the pod should run exactly one container");
        return map(containers.get(0), "pod containers[0]");
    }

    /** {@code NAME=value} lines of a dotenv file, comments and blank lines skipped, in file order. */
    private static Map<String, String> parseEnvFile(String relative) {
        Map<String, String> variables = new LinkedHashMap<>();
        for (String raw : read(relative).lines().collect(Collectors.toList())) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                fail(relative + " has a line that is not NAME=value: " + raw);
            }
            String name = line.substring(0, eq).strip();
            String value = line.substring(eq + 1).strip();
            if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"") || value.startsWith("'") && value.endsWith("'"))) {
                value = value.substring(1, value.length() - 1);
            }
            assertFalse(variables.containsKey(name), relative + " defines " + name + " twice");
            variables.put(name, value);
        }
        return variables;
    }

    private static Set<String> substitutions(String text) {
        Set<String> names = new TreeSet<>();
        Matcher m = SUBSTITUTION.matcher(text);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    // ---------------------------------------------------------------- helpers: rendered Kubernetes manifests

    /** Where a container's environment variable comes from: kind ConfigMap, Secret or value. */
    private record EnvSource(String kind, String object, String value) {
    }

    /** A kustomization as kustomize builds it, the committed examples standing in for the git-ignored env files. */
    private static List<Map<String, Object>> render(String relative) {
        return KustomizeRenderer.render(BASE.resolve(relative), DeploymentFilesTest::committedExample);
    }

    private static List<Map<String, Object>> postgresRender() {
        return render(POSTGRES_OVERLAY);
    }

    private static Path committedExample(Path envFile) {
        Path example = envFile.resolveSibling(envFile.getFileName() + ".example");
        assertTrue(Files.isRegularFile(example), envFile + " has no committed " + example.getFileName());
        return example;
    }

    /** The overlay's own files (not the base's). */
    private static List<Path> overlayFiles() {
        try (Stream<Path> tree = Files.walk(BASE.resolve(POSTGRES_OVERLAY))) {
            return tree.filter(Files::isRegularFile).filter(DeploymentFilesTest::isCommittable)
                    .filter(f -> !f.getFileName().toString().endsWith(".env")).collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, Object> renderedResource(List<Map<String, Object>> resources, String kind) {
        List<Map<String, Object>> matching = resources.stream().filter(r -> kind.equals(r.get("kind"))).collect(Collectors.toList());
        assertEquals(1, matching.size(), "the build should hold exactly one " + kind);
        return matching.get(0);
    }

    private static Map<String, Object> renderedResource(List<Map<String, Object>> resources, String kind, String name) {
        return resources.stream()
                .filter(r -> kind.equals(r.get("kind")) && name.equals(map(r.get("metadata"), kind + " metadata").get("name")))
                .findFirst().orElseThrow(() -> new AssertionError("the build holds no " + kind + " " + name));
    }

    private static Map<String, Object> renderedPodSpec(List<Map<String, Object>> resources) {
        Map<String, Object> spec = map(renderedResource(resources, "Deployment").get("spec"), "Deployment.spec");
        return map(map(spec.get("template"), "pod template").get("spec"), "pod template spec");
    }

    private static Map<String, Object> renderedContainer(List<Map<String, Object>> resources) {
        List<Object> containers = list(renderedPodSpec(resources).get("containers"), "pod containers");
        assertEquals(1, containers.size(), "the pod should run exactly one container");
        return map(containers.get(0), "pod containers[0]");
    }

    /** The gateway container's environment as the kubelet assembles it: envFrom in order, then env over it. */
    private static Map<String, EnvSource> effectiveEnvironment(List<Map<String, Object>> resources) {
        Map<String, Object> container = renderedContainer(resources);
        Map<String, EnvSource> environment = new TreeMap<>();
        for (Object item : list(container.getOrDefault("envFrom", List.of()), "envFrom")) {
            Map<String, Object> from = map(item, "envFrom[]");
            assertFalse(from.containsKey("prefix"), "envFrom with a prefix renames the variables: " + from);
            for (String kind : List.of("ConfigMap", "Secret")) {
                Object ref = from.get("ConfigMap".equals(kind) ? "configMapRef" : "secretRef");
                if (ref != null) {
                    String name = string(map(ref, "envFrom[] ref").get("name"), "envFrom[] ref name");
                    dataOf(resources, kind, name).forEach((key, value) -> environment.put(key, new EnvSource(kind, name, value)));
                }
            }
        }
        for (Object item : list(container.getOrDefault("env", List.of()), "env")) {
            Map<String, Object> variable = map(item, "env[]");
            String name = string(variable.get("name"), "env[].name");
            if (!variable.containsKey("valueFrom")) {
                environment.put(name, new EnvSource("value", null, String.valueOf(variable.get("value"))));
                continue;
            }
            Map<String, Object> valueFrom = map(variable.get("valueFrom"), "env " + name + " valueFrom");
            String kind = valueFrom.containsKey("secretKeyRef") ? "Secret" : "ConfigMap";
            Map<String, Object> ref = map(valueFrom.get("Secret".equals(kind) ? "secretKeyRef" : "configMapKeyRef"),
                    "env " + name + " takes its value from neither a Secret nor a ConfigMap: " + valueFrom);
            String object = string(ref.get("name"), "env " + name + " ref name");
            String key = string(ref.get("key"), "env " + name + " ref key");
            Map<String, String> data = dataOf(resources, kind, object);
            // A missing key keeps the pod from starting (CreateContainerConfigError).
            assertTrue(data.containsKey(key), "env " + name + " reads " + key + ", which " + kind + " " + object + " lacks: " + data.keySet());
            environment.put(name, new EnvSource(kind, object, data.get(key)));
        }
        return environment;
    }

    private static String value(Map<String, EnvSource> environment, String variable) {
        EnvSource source = environment.get(variable);
        assertNotNull(source, variable + " does not reach the container: " + environment.keySet());
        return source.value();
    }

    /** A rendered ConfigMap's data, or a Secret's, decoded. */
    private static Map<String, String> dataOf(List<Map<String, Object>> resources, String kind, String name) {
        Map<String, Object> resource = renderedResource(resources, kind, name);
        Map<String, String> data = new LinkedHashMap<>();
        map(resource.getOrDefault("data", Map.of()), kind + " " + name + " data").forEach((key, value) -> data.put(key,
                "Secret".equals(kind) ? new String(Base64.getDecoder().decode(String.valueOf(value)), StandardCharsets.UTF_8)
                        : String.valueOf(value)));
        return data;
    }

    /** Pods a PodDisruptionBudget lets go at once, computed as the disruption controller does. */
    private static int allowedDisruptions(Map<String, Object> spec, int replicas) {
        if (spec.containsKey("minAvailable")) {
            return replicas - scaled(spec.get("minAvailable"), replicas);
        }
        assertTrue(spec.containsKey("maxUnavailable"), "the PodDisruptionBudget sets neither minAvailable nor maxUnavailable");
        return scaled(spec.get("maxUnavailable"), replicas);
    }

    /** An int-or-percent of the replicas; percentages round up, as in the disruption controller. */
    private static int scaled(Object value, int replicas) {
        if (value instanceof Integer count) {
            return count;
        }
        Matcher percent = Pattern.compile("(\\d+)%").matcher(String.valueOf(value));
        assertTrue(percent.matches(), "neither a number nor a percentage: " + value);
        return (int) Math.ceil(replicas * Integer.parseInt(percent.group(1)) / 100.0);
    }

    // ---------------------------------------------------------------- helpers: typed access

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value, String what) {
        assertInstanceOf(Map.class, value, what + " should be a mapping but is " + value);
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value, String what) {
        assertInstanceOf(List.class, value, what + " should be a list but is " + value);
        return (List<Object>) value;
    }

    private static String string(Object value, String what) {
        assertInstanceOf(String.class, value, what + " should be a string but is " + value);
        return (String) value;
    }

    private static List<String> strings(Object value, String what) {
        return list(value, what).stream().map(String::valueOf).collect(Collectors.toList());
    }

    /** Compose's {@code command}: a list, or a string split on blanks. */
    private static List<String> commandOf(Object value) {
        if (value instanceof String) {
            return List.of(((String) value).trim().split("\\s+"));
        }
        return strings(value, "command");
    }

    /** Compose's {@code env_file}: a string, a list of strings, or a list of {path: ...}. */
    private static List<String> envFiles(Object value) {
        if (value == null) {
            return List.of();
        }
        if (value instanceof String) {
            return List.of((String) value);
        }
        return list(value, "env_file").stream()
                .map(e -> e instanceof Map ? String.valueOf(((Map<?, ?>) e).get("path")) : String.valueOf(e))
                .collect(Collectors.toList());
    }

    /** Compose's {@code environment}: a mapping, or a list of {@code NAME=value}. */
    private static Map<String, String> environment(Object value, String what) {
        Map<String, String> result = new LinkedHashMap<>();
        if (value instanceof List) {
            for (Object item : (List<?>) value) {
                String entry = String.valueOf(item);
                int eq = entry.indexOf('=');
                result.put(eq < 0 ? entry : entry.substring(0, eq), eq < 0 ? null : entry.substring(eq + 1));
            }
        } else {
            map(value, what).forEach((k, v) -> result.put(k, v == null ? null : String.valueOf(v)));
        }
        return result;
    }
}
