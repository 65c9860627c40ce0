package io.octoagent.gateway.metrics;

import static io.octoagent.gateway.support.LiteLlmProxyStub.CHEAP_ID;
import static io.octoagent.gateway.support.ProxyReplies.completionFor;
import static io.octoagent.gateway.support.ProxyReplies.error;
import static io.octoagent.gateway.support.ProxyReplies.success;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.octoagent.gateway.support.Api;
import io.octoagent.gateway.support.LiteLlmProxyStub;
import io.octoagent.gateway.support.PrometheusText;
import io.octoagent.gateway.support.ProxyStubbedTest;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Metrics read from /q/metrics after real tasks, compared number by number. */
@QuarkusTest
@QuarkusTestResource(value = LiteLlmProxyStub.class, restrictToAnnotatedClass = true)
class MetricsTest extends ProxyStubbedTest {

    private static final Map<String, String> ROUTER = Map.of("model_alias", "router", "runtime_group", "cheap",
            "gen_ai_response_model", "gpt-4o-mini", "gen_ai_provider", "openai");
    /** The OpenTelemetry GenAI attributes (dots become underscores in Prometheus names). */
    private static final Map<String, String> GEN_AI = Map.of("gen_ai_operation_name", "chat",
            "gen_ai_request_model", "cheap", "gen_ai_response_model", "gpt-4o-mini", "gen_ai_provider_name", "openai",
            "octoagent_model_alias", "router", "error_type", "none");

    @Test
    void modelCallsShowTokensCostAndDurationByAliasGroupModelAndProvider() {
        PrometheusText before = PrometheusText.scrape();
        proxy.stubFor(completionFor("cheap").willReturn(
                success("hi", "gpt-4o-mini", "cheap", CHEAP_ID, "0.00025", 40, 10)));
        for (int i = 0; i < 3; i++) {
            Api.awaitTerminal(Api.submitText("metered " + i, "router"));
        }
        PrometheusText after = PrometheusText.scrape();

        assertEquals(0.00075, delta(before, after, "octoagent_llm_cost_usd_total", ROUTER), 1e-9);
        assertEquals(3, delta(before, after, "gen_ai_client_operation_duration_seconds_count", GEN_AI));
        assertEquals(120, delta(before, after, "gen_ai_client_token_usage_tokens_sum",
                with(GEN_AI, "gen_ai_token_type", "input")));
        assertEquals(30, delta(before, after, "gen_ai_client_token_usage_tokens_sum",
                with(GEN_AI, "gen_ai_token_type", "output")));
        // Histograms with the conventions' bucket boundaries, so percentiles can be computed:
        // each call used 40 input tokens, so it is in every bucket from 64 up, in none below.
        assertEquals(3, delta(before, after, "gen_ai_client_token_usage_tokens_bucket",
                with(with(GEN_AI, "gen_ai_token_type", "input"), "le", "64.0")));
        assertEquals(0, delta(before, after, "gen_ai_client_token_usage_tokens_bucket",
                with(with(GEN_AI, "gen_ai_token_type", "input"), "le", "16.0")));
        assertTrue(after.has("gen_ai_client_token_usage_tokens_bucket"));
        for (String le : new String[] {"0.01", "0.16", "1.28", "81.92"}) {
            assertTrue(after.text().contains("gen_ai_client_operation_duration_seconds_bucket{")
                    && after.text().contains("le=\"" + le + "\""), "duration bucket le=" + le);
        }
        for (String le : new String[] {"1.0", "4.0", "1024.0", "6.7108864E7"}) {
            assertTrue(after.text().contains("le=\"" + le + "\""), "token bucket le=" + le);
        }
        assertEquals(3, delta(before, after, "octoagent_tasks_finished_total", Map.of("status", "SUCCEEDED")));
        assertEquals(3, delta(before, after, "octoagent_tasks_submitted_total", Map.of()));
        assertTrue(delta(before, after, "octoagent_store_commit_batch_size_operations_count", Map.of()) > 0);
        assertTrue(after.has("octoagent_store_commit_latency_seconds_max"));
        assertTrue(after.has("octoagent_tasks_inflight"));
        assertTrue(after.has("octoagent_sse_streams_open"));
        assertTrue(after.has("octoagent_task_duration_seconds_count"));
    }

    @Test
    void fallbacksAndUnpricedCallsAreCountedByReason() {
        PrometheusText before = PrometheusText.scrape();
        proxy.stubFor(completionFor("main").willReturn(error(500, "None", "provider failure")));
        Api.awaitTerminal(Api.submitText("fails over", "planner"));
        proxy.stubFor(completionFor("main").willReturn(
                success("hi", "mystery", "main", "unknown-id", null, 0, 0)));
        Api.awaitTerminal(Api.submitText("unpriced", "executor"));
        PrometheusText after = PrometheusText.scrape();

        assertEquals(1, delta(before, after, "octoagent_llm_fallbacks_total",
                Map.of("model_alias", "planner", "runtime_group", "main", "reason", "proxy_error")));
        // The failed proxy call is timed with its error.type; the echo answer used no tokens and
        // records no token sample (the conventions forbid zero-token samples for such calls).
        assertEquals(1, delta(before, after, "gen_ai_client_operation_duration_seconds_count",
                Map.of("octoagent_model_alias", "planner", "error_type", "proxy_error")));
        assertEquals(0, delta(before, after, "gen_ai_client_token_usage_tokens_count",
                Map.of("octoagent_model_alias", "planner")));
        assertEquals(1, delta(before, after, "octoagent_llm_cost_unavailable_total",
                Map.of("model_alias", "executor", "gen_ai_response_model", "mystery")));
    }

    private static double delta(PrometheusText before, PrometheusText after, String name, Map<String, String> labels) {
        return after.sum(name, labels) - before.sum(name, labels);
    }

    private static Map<String, String> with(Map<String, String> labels, String key, String value) {
        Map<String, String> all = new java.util.HashMap<>(labels);
        all.put(key, value);
        return all;
    }
}
