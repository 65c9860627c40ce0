package io.octoagent.gateway.provider;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.octoagent.gateway.support.LiteLlmProxyStub.CHEAP_ID;
import static io.octoagent.gateway.support.LiteLlmProxyStub.MAIN_ID;
import static io.octoagent.gateway.support.LiteLlmProxyStub.PROXY_KEY;
import static io.octoagent.gateway.support.ProxyReplies.completionFor;
import static io.octoagent.gateway.support.ProxyReplies.error;
import static io.octoagent.gateway.support.ProxyReplies.success;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.http.Fault;
import io.octoagent.gateway.support.Api;
import io.octoagent.gateway.support.LiteLlmProxyStub;
import io.octoagent.gateway.support.ProxyStubbedTest;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.path.json.config.JsonPathConfig;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tasks answered through a WireMock server that behaves like the observed LiteLLM Proxy. */
@QuarkusTest
@QuarkusTestResource(value = LiteLlmProxyStub.class, restrictToAnnotatedClass = true)
class ProviderProxyTest extends ProxyStubbedTest {

    static final JsonPathConfig DOUBLES = new JsonPathConfig(JsonPathConfig.NumberReturnType.DOUBLE);

    @Test
    void us1ATaskThroughTheProxySucceedsWithItsTextAndUsage() {
        proxy.stubFor(completionFor("main").willReturn(
                success("main says hi", "gpt-4o", "main", MAIN_ID, "3.5e-05", 12, 30)));
        JsonPath detail = Api.awaitTerminal(Api.submitText("hello proxy"));

        assertEquals("SUCCEEDED", detail.getString("task.status"));
        assertEquals(List.of("TASK_CREATED", "USER_MESSAGE", "STATE_TRANSITION", "ARTIFACT_CREATED",
                "MODEL_CALL_STARTED", "ARTIFACT_CREATED", "MODEL_CALL_COMPLETED", "STATE_TRANSITION"),
                detail.getList("events.type"));
        assertEquals(1, new HashSet<>(detail.getList("events.trace_id")).size());
        Map<String, Object> completed = completed(detail);
        assertEquals("main says hi", completed.get("response_summary"), completed.toString());
        assertEquals(Map.of("prompt_tokens", 12, "completion_tokens", 30, "total_tokens", 42),
                completed.get("token_usage"));
        assertEquals(false, completed.get("is_fallback"));
        assertEquals("", completed.get("fallback_reason"));
        assertEquals("gpt-4o", completed.get("model_name"));
        assertEquals("openai", completed.get("provider"));
        assertEquals("main", detail.getString("events[4].payload.runtime_group"));

        proxy.verify(postRequestedFor(urlEqualTo("/chat/completions"))
                .withHeader("Authorization", equalTo("Bearer " + PROXY_KEY))
                .withRequestBody(matchingJsonPath("$.model", equalTo("main")))
                .withRequestBody(matchingJsonPath("$.messages[0].role", equalTo("user")))
                .withRequestBody(matchingJsonPath("$.messages[0].content", equalTo("hello proxy"))));
        String answer = given().get("/api/artifacts/{id}/content", completed.get("artifact_ref"))
                .then().statusCode(200).extract().asString();
        assertEquals("main says hi", answer);
    }

    /**
     * Tracing is off here (no OTLP endpoint: nothing is exported), yet the caller's trace still
     * names the task and reaches the proxy.
     */
    @Test
    void withTracingOffTheCallersTraceStillNamesTheTaskAndReachesTheProxy() {
        proxy.stubFor(completionFor("main").willReturn(success("traced", "gpt-4o", "main", MAIN_ID, "3.5e-05", 1, 2)));
        String traceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        String taskId = given().contentType("application/json").header("traceparent", traceParent)
                .body(Map.of("text", "trace me", "idempotency_key", Api.newKey()))
                .post("/api/message").then().statusCode(201).extract().path("task_id");
        JsonPath detail = Api.awaitTerminal(taskId);
        assertEquals(List.of("0af7651916cd43dd8448eb211c80319c"),
                List.copyOf(new HashSet<>(detail.getList("events.trace_id"))));
        proxy.verify(postRequestedFor(urlEqualTo("/chat/completions")).withHeader("traceparent",
                matching("00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01")));
    }

    /** A malformed header starts a new trace, which the task and the proxy call share. */
    @Test
    void aMalformedTraceparentIsIgnored() {
        proxy.stubFor(completionFor("main").willReturn(success("untraced", "gpt-4o", "main", MAIN_ID, "3.5e-05", 1, 2)));
        String taskId = given().contentType("application/json").header("traceparent", "00-not-a-trace-01")
                .body(Map.of("text", "bad trace", "idempotency_key", Api.newKey()))
                .post("/api/message").then().statusCode(201).extract().path("task_id");
        String traceId = Api.awaitTerminal(taskId).getString("events[0].trace_id");
        assertTrue(traceId.matches("[0-9a-f]{32}") && !traceId.equals("0".repeat(32)), traceId);
        proxy.verify(postRequestedFor(urlEqualTo("/chat/completions")).withHeader("traceparent",
                matching("00-" + traceId + "-[0-9a-f]{16}-01")));
    }

    @Test
    void us2CostComesFromTheProxyHeaderInExponentNotation() {
        proxy.stubFor(completionFor("cheap").willReturn(
                success("cheap says hi", "gpt-4o-mini", "cheap", CHEAP_ID, "1.35e-05", 10, 20)));
        Map<String, Object> completed = completed(Api.awaitTerminal(Api.submitText("price me", "router")));
        assertEquals(1.35e-05, number(completed, "cost_usd"), 1e-12);
        assertEquals("proxy_header", completed.get("cost_source"));
        assertEquals(false, completed.get("cost_unavailable"));
    }

    @Test
    void us2WithoutTheHeaderCostComesFromTheDeploymentsModelInfoPrices() {
        proxy.stubFor(completionFor("cheap").willReturn(
                success("cheap says hi", "cheap", "cheap", CHEAP_ID, null, 10, 20)));
        Map<String, Object> completed = completed(Api.awaitTerminal(Api.submitText("price me", "extractor")));
        assertEquals(10 * 1.5e-7 + 20 * 6e-7, number(completed, "cost_usd"), 1e-12);
        assertEquals("price_table", completed.get("cost_source"));
        assertEquals("gpt-4o-mini", completed.get("model_name"), "the deployment, not the group in the body");
    }

    @Test
    void us2AnUnknownDeploymentIsPricedFromTheBundledTable() {
        proxy.stubFor(completionFor("main").willReturn(
                success("hi", "deepseek-chat", "main", "unknown-deployment-id", null, 1000, 500)));
        Map<String, Object> completed = completed(Api.awaitTerminal(Api.submitText("price me", "planner")));
        assertEquals(1000 * 2.7e-7 + 500 * 1.1e-6, number(completed, "cost_usd"), 1e-12);
        assertEquals("price_table", completed.get("cost_source"));
        assertEquals("deepseek-chat", completed.get("model_name"));
        assertEquals("deepseek", completed.get("provider"), "the provider the price table files it under");
    }

    @Test
    void us2ACallNothingCanPriceIsFlaggedUnavailable() {
        proxy.stubFor(completionFor("main").willReturn(
                success("hi", "mystery-model", "main", "unknown-deployment-id", null, 0, 0)));
        Map<String, Object> completed = completed(Api.awaitTerminal(Api.submitText("no usage")));
        assertEquals(0.0, number(completed, "cost_usd"));
        assertEquals(true, completed.get("cost_unavailable"));
        assertEquals("unavailable", completed.get("cost_source"));
    }

    @Test
    void us2TheTaskCostSumsItsCallsAndTheSummaryGroupsThem() {
        proxy.stubFor(completionFor("cheap").willReturn(
                success("hi", "gpt-4o-mini", "cheap", CHEAP_ID, "0.000125", 100, 50)));
        String taskId = Api.submitText("sum me", "summarizer");
        Api.awaitTerminal(taskId);
        JsonPath cost = given().get("/api/tasks/{id}/cost", taskId).then().statusCode(200).extract().jsonPath()
                .using(DOUBLES);
        assertEquals(taskId, cost.getString("task_id"));
        assertEquals(1, cost.getInt("spend.calls"));
        assertEquals(0.000125, cost.getDouble("spend.cost_usd"), 1e-12);
        assertEquals(150, cost.getInt("spend.token_usage.total_tokens"));
        JsonPath summary = given().get("/api/cost/summary").then().statusCode(200).extract().jsonPath();
        List<Map<String, Object>> groups = summary.getList("groups");
        assertTrue(groups.stream().anyMatch(group -> "summarizer".equals(group.get("model_alias"))
                && "gpt-4o-mini".equals(group.get("model_name")) && "openai".equals(group.get("provider"))));
        assertTrue(summary.getDouble("total.cost_usd") >= 0.000125);
        given().get("/api/tasks/{id}/cost", "01ARZ3NDEKTSV4RRFFQ69G5FAV").then().statusCode(404);
    }

    @Test
    void us3AliasesReachTheProxyAsTheirGroupsAndRecordTheRealModel() {
        // Newer proxies answer with the group name as the body's model: the model id header tells the truth.
        proxy.stubFor(completionFor("cheap").willReturn(success("cheap answer", "cheap", "cheap", CHEAP_ID,
                "1e-06", 5, 5)));
        proxy.stubFor(completionFor("main").willReturn(success("main answer", "main", "main", MAIN_ID,
                "2e-05", 5, 5)));
        Map<String, Object> summarizer = completed(Api.awaitTerminal(Api.submitText("sum", "summarizer")));
        Map<String, Object> planner = completed(Api.awaitTerminal(Api.submitText("plan", "planner")));
        assertEquals("gpt-4o-mini", summarizer.get("model_name"));
        assertEquals("gpt-4o", planner.get("model_name"));
        assertEquals("cheap answer", summarizer.get("response_summary"));
        assertEquals("main answer", planner.get("response_summary"));
        proxy.verify(1, postRequestedFor(urlEqualTo("/chat/completions"))
                .withRequestBody(matchingJsonPath("$.model", equalTo("cheap"))));
        proxy.verify(1, postRequestedFor(urlEqualTo("/chat/completions"))
                .withRequestBody(matchingJsonPath("$.model", equalTo("main"))));
    }

    @Test
    void aProxySideFallbackIsNoEchoFallbackAndRecordsTheModelThatServed() {
        // The proxy's own router fell back from main to the fallback group: the call succeeded.
        proxy.stubFor(completionFor("main").willReturn(success("fallback says hi", "claude-3-5-haiku-20241022",
                "fallback", LiteLlmProxyStub.FALLBACK_ID, "8.8e-05", 10, 20)
                .withHeader("x-litellm-attempted-fallbacks", "1")));
        Map<String, Object> completed = completed(Api.awaitTerminal(Api.submitText("survive", "executor")));
        assertEquals(false, completed.get("is_fallback"));
        assertEquals("fallback says hi", completed.get("response_summary"));
        assertEquals("claude-3-5-haiku-20241022", completed.get("model_name"));
        assertEquals("anthropic", completed.get("provider"));
        assertEquals(8.8e-05, number(completed, "cost_usd"), 1e-12);
    }

    @Test
    void us4ProxyDownFallsBackAndTheNextTaskAfterItReturnsUsesItAgain() {
        proxy.stop();
        Map<String, Object> down = completed(Api.awaitTerminal(Api.submitText("anyone there?")));
        assertEquals(true, down.get("is_fallback"));
        assertTrue(((String) down.get("fallback_reason")).startsWith("proxy unreachable: "), down.toString());
        assertEquals("Echo: anyone there?", down.get("response_summary"));
        assertEquals("echo", down.get("model_name"));

        proxy.start();
        LiteLlmProxyStub.stubModelInfo(proxy);
        proxy.stubFor(completionFor("main").willReturn(success("back", "gpt-4o", "main", MAIN_ID, "1e-05", 1, 1)));
        Map<String, Object> back = completed(Api.awaitTerminal(Api.submitText("and now?")));
        assertEquals(false, back.get("is_fallback"));
        assertEquals("back", back.get("response_summary"));
    }

    @Test
    void us4AHungProxyTimesOutAndFallsBack() {
        proxy.stubFor(completionFor("main").willReturn(
                success("too late", "gpt-4o", "main", MAIN_ID, "1e-05", 1, 1).withFixedDelay(5000)));
        JsonPath detail = Api.awaitTerminal(Api.submitText("slow"));
        Map<String, Object> completed = completed(detail);
        assertEquals("SUCCEEDED", detail.getString("task.status"));
        assertEquals(true, completed.get("is_fallback"));
        assertEquals("timeout after 2 s", completed.get("fallback_reason"));
    }

    @Test
    void us4ProxyErrorsFallBackWithTheirReason() {
        proxy.stubFor(completionFor("main").willReturn(error(500, "None", "provider exploded")));
        assertEquals("proxy_error: proxy error 500: provider exploded",
                completed(Api.awaitTerminal(Api.submitText("boom"))).get("fallback_reason"));

        proxy.stubFor(completionFor("main").willReturn(
                error(401, "auth_error", "Authentication Error, No api key passed in.")));
        assertEquals("unauthorized: proxy error 401 (auth_error): Authentication Error, No api key passed in.",
                completed(Api.awaitTerminal(Api.submitText("who am i"))).get("fallback_reason"));

        proxy.stubFor(completionFor("main").willReturn(WireMock.aResponse().withStatus(200)
                .withHeader("content-type", "application/json").withBody("<html>not json</html>")));
        Map<String, Object> garbage = completed(Api.awaitTerminal(Api.submitText("garbage")));
        assertEquals(true, garbage.get("is_fallback"));
        assertTrue(((String) garbage.get("fallback_reason")).startsWith("malformed proxy response"));

        proxy.stubFor(completionFor("main").willReturn(WireMock.aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        Map<String, Object> reset = completed(Api.awaitTerminal(Api.submitText("reset")));
        assertEquals(true, reset.get("is_fallback"));
        assertFalse(((String) reset.get("fallback_reason")).isBlank());
    }

    @Test
    void us4RepeatedTimeoutsOpenTheBreakerThenItClosesByItself() {
        proxy.stubFor(completionFor("main").willReturn(
                success("too late", "gpt-4o", "main", MAIN_ID, "1e-05", 1, 1).withFixedDelay(4500)));
        for (int i = 0; i < 4; i++) {
            assertEquals("timeout after 2 s", completed(Api.awaitTerminal(Api.submitText("hang " + i)))
                    .get("fallback_reason"));
        }
        Map<String, Object> fast = completed(Api.awaitTerminal(Api.submitText("breaker open")));
        assertEquals(true, fast.get("is_fallback"));
        assertTrue(((String) fast.get("fallback_reason")).contains("circuit open"), fast.toString());
        assertTrue(number(fast, "duration_ms") < 500, "answered without waiting: " + fast.get("duration_ms"));

        proxy.stubFor(completionFor("main").willReturn(success("healthy", "gpt-4o", "main", MAIN_ID, "1e-05", 1, 1)));
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(500)).until(() ->
                Boolean.FALSE.equals(completed(Api.awaitTerminal(Api.submitText("probe"))).get("is_fallback")));
    }

    @Test
    void cancellingStopsTheInFlightCallAndNothingFollowsCancelled() throws Exception {
        proxy.stubFor(completionFor("main").willReturn(
                success("late answer", "gpt-4o", "main", MAIN_ID, "1e-05", 1, 1).withFixedDelay(1500)));
        String taskId = Api.submitText("cancel me in flight");
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(() -> Api.detail(taskId).getList("events.type").contains("MODEL_CALL_STARTED"));
        given().post("/api/tasks/{id}/cancel", taskId).then().statusCode(200)
                .body("status", org.hamcrest.Matchers.equalTo("CANCELLED"));
        Thread.sleep(2500); // longer than the stubbed answer (and the 2 s timeout) takes
        JsonPath detail = Api.detail(taskId);
        List<String> types = detail.getList("events.type");
        assertEquals("CANCELLED", detail.getString("task.status"));
        assertEquals("STATE_TRANSITION", types.get(types.size() - 1));
        assertEquals("CANCELLED", detail.getString("events[-1].payload.to_status"));
        assertFalse(types.contains("MODEL_CALL_COMPLETED"));
    }

    @Test
    void theProxyKeyNeverLeavesTheService() throws Exception {
        // A proxy that echoes the key back in its error must not get it into events, responses or logs.
        proxy.stubFor(completionFor("main").willReturn(error(401, "auth_error",
                "Authentication Error, Invalid proxy server token passed. Received API Key = " + PROXY_KEY)));
        String taskId = Api.submitText("leak?");
        JsonPath detail = Api.awaitTerminal(taskId);
        assertTrue(((String) completed(detail).get("fallback_reason")).contains("[redacted]"));
        assertFalse(detail.prettify().contains(PROXY_KEY));
        for (String path : List.of("/api/tasks?limit=500", "/api/aliases", "/api/cost/summary", "/q/metrics",
                "/ready?profile=full", "/q/health")) {
            assertFalse(given().get(path).asString().contains(PROXY_KEY), path);
        }
        String log = java.nio.file.Files.readString(java.nio.file.Path.of("target/provider-test.log"));
        assertTrue(log.contains(taskId), "the log file is the one this app writes");
        assertFalse(log.contains(PROXY_KEY), "the key is in the log");
    }

    @Test
    void aliasesAreListed() {
        JsonPath aliases = given().get("/api/aliases").then().statusCode(200).extract().jsonPath();
        assertEquals(List.of("executor", "extractor", "fallback", "planner", "router", "summarizer"),
                aliases.getList("aliases.name"));
        assertEquals(List.of("cheap", "fallback", "main"), aliases.getList("runtime_groups"));
        assertEquals("cheap", aliases.getString("aliases.find { it.name == 'router' }.runtime_group"));
    }

    /** The MODEL_CALL_COMPLETED payload, with JSON numbers as doubles (not floats) for exact cost checks. */
    static Map<String, Object> completed(JsonPath detail) {
        return detail.using(DOUBLES).getMap("events.find { it.type == 'MODEL_CALL_COMPLETED' }.payload");
    }

    static double number(Map<String, Object> payload, String field) {
        return ((Number) payload.get(field)).doubleValue();
    }
}
