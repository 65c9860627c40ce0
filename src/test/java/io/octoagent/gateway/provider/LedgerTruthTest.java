package io.octoagent.gateway.provider;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.octoagent.gateway.support.LiteLlmProxyStub.CHEAP_ID;
import static io.octoagent.gateway.support.LiteLlmProxyStub.DECLARED_FREE_ID;
import static io.octoagent.gateway.support.LiteLlmProxyStub.UNPRICED_ID;
import static io.octoagent.gateway.support.LiteLlmProxyStub.FALLBACK_ID;
import static io.octoagent.gateway.support.LiteLlmProxyStub.MAIN_ID;
import static io.octoagent.gateway.support.ProxyReplies.completionFor;
import static io.octoagent.gateway.support.ProxyReplies.error;
import static io.octoagent.gateway.support.ProxyReplies.success;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.octoagent.gateway.support.Api;
import io.octoagent.gateway.support.LiteLlmProxyStub;
import io.octoagent.gateway.support.PrometheusText;
import io.octoagent.gateway.support.ProxyStubbedTest;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the ledger records about a call, against a stub that answers as LiteLLM 1.77.1 does:
 * unpriced models are unknown, not free; one group's trouble stays in that group; every failure
 * kind is told apart; what the proxy did (served group, its fallback, retries, call id) is kept;
 * a refused key makes the llm readiness DOWN; echo costs "none".
 */
@QuarkusTest
@QuarkusTestResource(value = LiteLlmProxyStub.class, restrictToAnnotatedClass = true)
class LedgerTruthTest extends ProxyStubbedTest {


    @Test
    void aModelLiteLlmCannotPriceIsRecordedAsUnavailableNotFree() {
        // The stub's /model/info lists it as 1.77.1 does: 0/0 in model_info, no prices in litellm_params.
        proxy.stubFor(completionFor("main").willReturn(success("private answer", "my-private-model", "main",
                UNPRICED_ID, null, 12, 30)));
        Map<String, Object> completed = completed(Api.awaitTerminal(Api.submitText("price me if you can")));
        System.out.println("[LedgerTruthTest] MODEL_CALL_COMPLETED of an unpriced model: " + completed);
        assertEquals("my-private-model", completed.get("model_name"));
        assertEquals("unavailable", completed.get("cost_source"));
        assertEquals(true, completed.get("cost_unavailable"));
        assertEquals(0.0, ((Number) completed.get("cost_usd")).doubleValue(), 0.0);
    }

    @Test
    void aDeploymentThatDeclaresZeroPricesIsFree() {
        proxy.stubFor(completionFor("main").willReturn(success("free answer", "my-free-model", "main",
                DECLARED_FREE_ID, null, 12, 30)));
        Map<String, Object> completed = completed(Api.awaitTerminal(Api.submitText("on the house")));
        assertEquals("price_table", completed.get("cost_source"));
        assertEquals(false, completed.get("cost_unavailable"));
    }

    @Test
    void aHungGroupOpensOnlyItsOwnBreaker() {
        proxy.stubFor(completionFor("main").willReturn(success("too late", "gpt-4o", "main", MAIN_ID, "1e-05", 1, 1)
                .withFixedDelay(4000)));
        proxy.stubFor(completionFor("cheap").willReturn(success("cheap and fine", "gpt-4o-mini", "cheap", CHEAP_ID,
                "1e-06", 1, 1)));
        for (int i = 0; i < 4; i++) {
            assertEquals("timeout after 2 s", completed(Api.awaitTerminal(Api.submitText("hang " + i, "planner")))
                    .get("fallback_reason"));
        }
        assertEquals(CircuitBreakerState.OPEN, breakers.currentState(LiteLlmClient.BREAKER_PREFIX + "main"));
        Map<String, Object> mainAgain = completed(Api.awaitTerminal(Api.submitText("main again", "planner")));
        assertTrue(String.valueOf(mainAgain.get("fallback_reason")).contains("circuit open"), mainAgain.toString());

        for (int i = 0; i < 3; i++) {
            Map<String, Object> cheap = completed(Api.awaitTerminal(Api.submitText("cheap " + i, "router")));
            assertEquals(false, cheap.get("is_fallback"), "group cheap must not be degraded by main: " + cheap);
            assertEquals("cheap and fine", cheap.get("response_summary"));
        }
        assertEquals(CircuitBreakerState.CLOSED, breakers.currentState(LiteLlmClient.BREAKER_PREFIX + "cheap"));
    }

    @Test
    void everyFailureKindIsToldApartInTheReasonTheEventAndTheMetric() {
        record Case(int status, String type, String message, String kind) {
        }
        PrometheusText before = PrometheusText.scrape();
        for (Case c : new Case[] {
                new Case(401, "auth_error", "Authentication Error, No api key passed in.", "unauthorized"),
                new Case(400, "no_db_connection", "No connected db.", "unauthorized"),
                new Case(429, "throttling_error", "Rate limit exceeded", "rate_limited"),
                new Case(400, "budget_exceeded", "Budget has been exceeded! Current cost: 1.2, Max budget: 1.0",
                        "budget_exceeded"),
                new Case(400, "None", "/chat/completions: Invalid model name passed in model=nope.", "bad_request"),
                new Case(500, "None", "provider exploded", "proxy_error")}) {
            proxy.resetRequests();
            proxy.stubFor(completionFor("main").willReturn(error(c.status(), c.type(), c.message())));
            Map<String, Object> completed = completed(Api.awaitTerminal(Api.submitText("kind " + c.kind())));
            String reason = String.valueOf(completed.get("fallback_reason"));
            assertTrue(reason.startsWith(c.kind() + ": proxy error " + c.status()), reason);
            if (!c.type().equals("None")) {
                assertTrue(reason.contains("(" + c.type() + ")"), "the proxy's error type is kept: " + reason);
            }
            // A key, request or budget problem is never retried; a 429 without Retry-After neither.
            assertEquals(1, proxy.countRequestsMatching(postRequestedFor(urlEqualTo("/chat/completions")).build())
                    .getCount(), c.kind());
        }
        PrometheusText after = PrometheusText.scrape();
        for (String kind : new String[] {"rate_limited", "budget_exceeded", "bad_request", "proxy_error"}) {
            assertEquals(1.0, after.sum("octoagent_llm_fallbacks_total", Map.of("reason", kind))
                    - before.sum("octoagent_llm_fallbacks_total", Map.of("reason", kind)), kind);
        }
        assertEquals(2.0, after.sum("octoagent_llm_fallbacks_total", Map.of("reason", "unauthorized"))
                - before.sum("octoagent_llm_fallbacks_total", Map.of("reason", "unauthorized")));
        assertEquals(CircuitBreakerState.CLOSED, breakers.currentState(LiteLlmClient.BREAKER_PREFIX + "main"),
                "none of these is held against the group");
    }

    @Test
    void a429WithRetryAfterWithinTheBudgetIsRetriedOnce() {
        proxy.stubFor(completionFor("main").inScenario("throttled").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(error(429, "throttling_error", "Rate limit exceeded").withHeader("Retry-After", "1"))
                .willSetStateTo("recovered"));
        proxy.stubFor(completionFor("main").inScenario("throttled").whenScenarioStateIs("recovered")
                .willReturn(success("after the wait", "gpt-4o", "main", MAIN_ID, "1e-05", 1, 1)));
        Map<String, Object> completed = completed(Api.awaitTerminal(Api.submitText("patience")));
        assertEquals(false, completed.get("is_fallback"), completed.toString());
        assertEquals("after the wait", completed.get("response_summary"));
        assertEquals(2, proxy.countRequestsMatching(postRequestedFor(urlEqualTo("/chat/completions")).build())
                .getCount());
    }

    @Test
    void whatTheProxyDidIsRecordedAndCounted() {
        PrometheusText before = PrometheusText.scrape();
        // As LiteLLM answers after its own fallback: the served group in x-litellm-model-group.
        proxy.stubFor(completionFor("main").willReturn(aResponse().withStatus(200)
                .withHeader("content-type", "application/json")
                .withHeader("x-litellm-call-id", "7cdea392-52a5-464c-aa82-06b26d36a34e")
                .withHeader("x-litellm-model-id", FALLBACK_ID)
                .withHeader("x-litellm-version", "1.77.1")
                .withHeader("x-litellm-response-cost", "8.8e-05")
                .withHeader("x-litellm-model-group", "fallback")
                .withHeader("x-litellm-attempted-retries", "1")
                .withHeader("x-litellm-attempted-fallbacks", "1")
                .withBody("{\"id\":\"chatcmpl-1\",\"model\":\"claude-3-5-haiku-20241022\",\"object\":"
                        + "\"chat.completion\",\"choices\":[{\"finish_reason\":\"stop\",\"index\":0,\"message\":"
                        + "{\"content\":\"fallback says hi\",\"role\":\"assistant\"}}],\"usage\":"
                        + "{\"completion_tokens\":20,\"prompt_tokens\":10,\"total_tokens\":30}}")));
        JsonPath detail = Api.awaitTerminal(Api.submitText("main is down, says the proxy"));
        Map<String, Object> completed = completed(detail);
        System.out.println("[LedgerTruthTest] MODEL_CALL_COMPLETED of a proxy-side fallback: " + completed);
        assertEquals(false, completed.get("is_fallback"), "the proxy's own fallback is not our echo fallback");
        assertEquals(true, completed.get("proxy_fallback"));
        assertEquals("main", completed.get("requested_group"));
        assertEquals("fallback", completed.get("served_group"));
        assertEquals(1, completed.get("proxy_retries"));
        assertEquals("7cdea392-52a5-464c-aa82-06b26d36a34e", completed.get("proxy_call_id"));
        assertEquals("claude-3-5-haiku-20241022", completed.get("model_name"));
        PrometheusText after = PrometheusText.scrape();
        Map<String, String> groups = Map.of("requested_group", "main", "served_group", "fallback");
        assertEquals(1.0, after.sum("octoagent_llm_proxy_fallbacks_total", groups)
                - before.sum("octoagent_llm_proxy_fallbacks_total", groups));

        proxy.stubFor(completionFor("main").willReturn(success("main says hi", "gpt-4o", "main", MAIN_ID, "3.5e-05",
                12, 30)));
        Map<String, Object> direct = completed(Api.awaitTerminal(Api.submitText("straight through")));
        assertEquals(false, direct.get("proxy_fallback"));
        assertEquals("main", direct.get("served_group"));
    }

    @Test
    void aRefusedKeyMakesTheLlmReadinessDown() {
        proxy.stubFor(get(urlPathEqualTo("/model/info")).willReturn(error(400, "no_db_connection", "No connected db.")));
        given().get("/ready?profile=llm").then().statusCode(503).body("checks.litellm_proxy",
                equalTo("error: unauthorized"));
        given().get("/q/health/group/llm").then().statusCode(503);
        given().get("/ready?profile=core").then().statusCode(200);

        LiteLlmProxyStub.stubModelInfo(proxy);
        client.forgetHealth();
        given().get("/ready?profile=llm").then().statusCode(200).body("checks.litellm_proxy", equalTo("ok"));
    }

    @Test
    void theProxyIsToldWhoseCallItIsForItsOwnSpendLogs() {
        proxy.stubFor(completionFor("main").willReturn(success("noted", "gpt-4o", "main", MAIN_ID, "1e-05", 1, 1)));
        String taskId = Api.submit(Map.of("text", "attribute me", "idempotency_key", Api.newKey(), "sender_id", "carol",
                "thread_id", "t-42")).then().statusCode(201).extract().path("task_id");
        JsonPath detail = Api.awaitTerminal(taskId);
        proxy.verify(postRequestedFor(urlEqualTo("/chat/completions"))
                .withRequestBody(matchingJsonPath("$.user", WireMock.equalTo("carol")))
                .withRequestBody(matchingJsonPath("$.metadata.octoagent_task_id", WireMock.equalTo(taskId)))
                .withRequestBody(matchingJsonPath("$.metadata.octoagent_model_alias", WireMock.equalTo("main")))
                .withRequestBody(matchingJsonPath("$.metadata.octoagent_scope_id", WireMock.equalTo("chat:web:t-42")))
                .withRequestBody(matchingJsonPath("$.metadata.trace_id",
                        WireMock.equalTo(detail.getString("task.trace_id") == null
                                ? detail.getString("events[0].trace_id") : detail.getString("task.trace_id"))))
                .withRequestBody(matchingJsonPath("$.metadata.tags[?(@ == 'alias:main')]")));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> completed(JsonPath detail) {
        return detail.getMap("events.find { it.type == 'MODEL_CALL_COMPLETED' }.payload");
    }
}
