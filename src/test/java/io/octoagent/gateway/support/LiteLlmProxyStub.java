package io.octoagent.gateway.support;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;

/**
 * A WireMock server that behaves like the LiteLLM Proxy observed in
 * {@code shared/reference/litellm-observed.md}, on a free port that stays the same across
 * stop/start (so a test can take the proxy down and bring it back). Init arg {@code mode}
 * selects the gateway's mode (default litellm).
 */
public class LiteLlmProxyStub implements QuarkusTestResourceLifecycleManager {

    public static final String PROXY_KEY = "sk-test-proxy-key-7d1f3b";
    public static final String CHEAP_ID = "40c3c79a0cc97eee96faae635cae32f1f09b2791f54edbb6b2a9b383562601c7";
    public static final String MAIN_ID = "9be9f7c1f2a34c0e8d11aa8a3c6b1d02e6f5a7b8c9d0e1f2a3b4c5d6e7f8a9b0";
    public static final String FALLBACK_ID = "fc8f64f3a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7";
    /** A deployment LiteLLM cannot price: /model/info lists 0/0, its litellm_params hold no prices. */
    public static final String UNPRICED_ID = "7a1e0c55d2b94f0e8c3a6b1d9e2f4a70c8b6d3e1f5a7c9b2d4e6f8a0b1c3d5e7";
    /** A deployment whose litellm_params declare prices of 0: free by declaration. */
    public static final String DECLARED_FREE_ID = "0f3b5d7e9a1c2e4f6a8b0c1d3e5f7a9b2c4d6e8f0a1b3c5d7e9f2a4b6c8d0e1f";

    /** Jetty threads: a delayed answer holds one, and the gateway may have 64 calls in flight. */
    private static final int STUB_THREADS = 200;

    private WireMockServer server;
    private Map<String, String> initArgs = Map.of();

    /**
     * Init args: {@code mode}, {@code fallback}, {@code pricing-file} — passed on as gateway
     * settings; {@code tracing} turns tracing on (spans go to {@link RecordedSpans}).
     */
    @Override
    public void init(Map<String, String> initArgs) {
        this.initArgs = initArgs;
    }

    @Override
    public Map<String, String> start() {
        server = standalone();
        Map<String, String> config = new HashMap<>();
        config.put("octoagent.llm.mode", initArgs.getOrDefault("mode", "litellm"));
        config.put("octoagent.llm.fallback", initArgs.getOrDefault("fallback", "echo"));
        if (initArgs.containsKey("pricing-file")) {
            config.put("octoagent.pricing-file", initArgs.get("pricing-file"));
        }
        // Init arg user-info puts credentials into the URL (they must never be printed).
        config.put("octoagent.llm.proxy-url", initArgs.containsKey("user-info")
                ? server.baseUrl().replace("://", "://" + initArgs.get("user-info") + "@") : server.baseUrl());
        if (initArgs.containsKey("tracing")) {
            config.put("quarkus.otel.sdk.disabled", "false");
            config.put("quarkus.otel.bsp.schedule.delay", "50ms");
        }
        if (initArgs.containsKey("log-file")) {
            config.put("quarkus.log.file.path", initArgs.get("log-file"));
        }
        config.put("octoagent.llm.proxy-key", PROXY_KEY);
        config.put("octoagent.llm.timeout-s", "2");
        config.put("octoagent.llm.breaker-delay", "2s");
        config.put("quarkus.log.file.enabled", "true");
        config.putIfAbsent("quarkus.log.file.path", "target/provider-test.log");
        return config;
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(server, new TestInjector.AnnotatedAndMatchesType(InjectWireMock.class,
                WireMockServer.class));
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }

    /**
     * A started stub with the proxy's model info and liveliness, for tests that run the gateway
     * themselves. Enough server threads that a burst of delayed answers is not queued by the stub.
     */
    public static WireMockServer standalone() {
        WireMockServer server = new WireMockServer(options().port(freePort()).containerThreads(STUB_THREADS));
        server.start();
        stubModelInfo(server);
        stubLiveliness(server);
        return server;
    }

    /** Back to a healthy proxy with no completion stubs and no recorded requests (between tests). */
    public static void reset(WireMockServer server) {
        if (!server.isRunning()) {
            server.start();
        }
        server.resetAll();
        stubModelInfo(server);
        stubLiveliness(server);
    }

    /** {@code GET /model/info} as LiteLLM 1.77.1 answers it for groups cheap, main and fallback. */
    public static void stubModelInfo(WireMockServer server) {
        server.stubFor(get(urlPathEqualTo("/model/info")).willReturn(aResponse()
                .withStatus(200)
                .withHeader("content-type", "application/json")
                .withBody("{\"data\":["
                        + deployment("cheap", "openai/gpt-4o-mini", CHEAP_ID, "openai", "1.5e-07", "6e-07") + ","
                        + deployment("main", "openai/gpt-4o", MAIN_ID, "openai", "2.5e-06", "1e-05") + ","
                        + deployment("fallback", "anthropic/claude-3-5-haiku-20241022", FALLBACK_ID, "anthropic",
                        "8e-07", "4e-06") + ","
                        // As 1.77.1 lists a model it cannot price: zeros in model_info, nothing in litellm_params.
                        + deployment("main", "openai/my-private-model", UNPRICED_ID, "openai", "0", "0") + ","
                        + "{\"model_name\":\"main\",\"litellm_params\":{\"model\":\"openai/my-free-model\","
                        + "\"input_cost_per_token\":0,\"output_cost_per_token\":0},\"model_info\":{\"id\":\""
                        + DECLARED_FREE_ID + "\",\"key\":\"my-free-model\",\"litellm_provider\":\"openai\","
                        + "\"mode\":\"chat\",\"input_cost_per_token\":0,\"output_cost_per_token\":0}}"
                        + "]}")));
    }

    public static void stubLiveliness(WireMockServer server) {
        server.stubFor(get(urlEqualTo("/health/liveliness")).willReturn(aResponse()
                .withStatus(200)
                .withHeader("content-type", "application/json")
                .withBody("\"I'm alive!\"")));
    }

    private static String deployment(String group, String model, String id, String provider, String in, String out) {
        return "{\"model_name\":\"" + group + "\",\"litellm_params\":{\"model\":\"" + model + "\"},"
                + "\"model_info\":{\"id\":\"" + id + "\",\"key\":\"" + model.substring(model.indexOf('/') + 1)
                + "\",\"litellm_provider\":\"" + provider + "\",\"mode\":\"chat\","
                + "\"input_cost_per_token\":" + in + ",\"output_cost_per_token\":" + out
                + ",\"max_input_tokens\":128000}}";
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
