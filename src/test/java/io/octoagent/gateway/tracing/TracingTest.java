package io.octoagent.gateway.tracing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.octoagent.gateway.support.LiteLlmProxyStub.MAIN_ID;
import static io.octoagent.gateway.support.ProxyReplies.completionFor;
import static io.octoagent.gateway.support.ProxyReplies.success;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.octoagent.gateway.support.Api;
import io.octoagent.gateway.support.LiteLlmProxyStub;
import io.octoagent.gateway.support.ProxyStubbedTest;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One trace from {@code POST /api/message} to the final event, with the proxy call inside it:
 * the caller's {@code traceparent} names the task's trace, the pipeline's steps and the model
 * call are its spans, and the proxy is called with the model call's span as parent.
 */
@QuarkusTest
@QuarkusTestResource(value = LiteLlmProxyStub.class, restrictToAnnotatedClass = true,
        initArgs = @ResourceArg(name = "tracing", value = "on"))
class TracingTest extends ProxyStubbedTest {

    private static final String CALLER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CALLER_SPAN = "00f067aa0ba902b7";

    @Inject
    InMemorySpanExporter spans;

    @BeforeEach
    void forgetSpans() {
        spans.reset();
    }

    @Test
    void aCallersTraceRunsFromTheRequestThroughTheProxyCallToTheFinalEvent() {
        proxy.stubFor(completionFor("main").willReturn(success("traced answer", "gpt-4o", "main", MAIN_ID,
                "3.5e-05", 12, 30)));

        String taskId = given().contentType(ContentType.JSON)
                .header("traceparent", "00-" + CALLER_TRACE + "-" + CALLER_SPAN + "-01")
                .body(Map.of("text", "trace me", "idempotency_key", Api.newKey()))
                .post("/api/message").then().statusCode(201).extract().path("task_id");
        JsonPath detail = Api.awaitTerminal(taskId);
        assertEquals("SUCCEEDED", detail.getString("task.status"));
        assertEquals(Set.of(CALLER_TRACE), new HashSet<>(detail.getList("events.trace_id")),
                "every event carries the caller's trace id");

        List<SpanData> trace = awaitTrace(CALLER_TRACE, "octoagent.task.record_answer");
        printTree(trace);
        assertEquals(List.of("chat main"), spans.getFinishedSpanItems().stream()
                .filter(span -> span.getKind() == SpanKind.CLIENT).map(SpanData::getName).collect(Collectors.toList()),
                "no stray client spans: the proxy connection makes none of its own (each would be a trace of its own)");
        SpanData server = only(trace, span -> span.getKind() == SpanKind.SERVER
                && span.getName().contains("/api/message"));
        assertEquals(CALLER_SPAN, server.getParentSpanId(), "the server span continues the caller's span");
        SpanData run = only(trace, span -> span.getName().equals("octoagent.task"));
        assertEquals(server.getSpanId(), run.getParentSpanId(), "the run is a child of the request");
        assertEquals(taskId, run.getAttributes().get(AttributeKey.stringKey("octoagent.task_id")));
        for (String step : List.of("start", "record_request", "record_answer")) {
            assertEquals(run.getSpanId(), only(trace, span -> span.getName().equals("octoagent.task." + step))
                    .getParentSpanId(), step);
        }
        SpanData call = only(trace, span -> span.getName().equals("chat main"));
        assertEquals(SpanKind.CLIENT, call.getKind());
        assertEquals(run.getSpanId(), call.getParentSpanId());
        assertEquals("chat", call.getAttributes().get(AttributeKey.stringKey("gen_ai.operation.name")));
        assertEquals("main", call.getAttributes().get(AttributeKey.stringKey("gen_ai.request.model")));
        assertEquals("gpt-4o", call.getAttributes().get(AttributeKey.stringKey("gen_ai.response.model")));
        assertEquals(12L, call.getAttributes().get(AttributeKey.longKey("gen_ai.usage.input_tokens")));
        assertEquals(30L, call.getAttributes().get(AttributeKey.longKey("gen_ai.usage.output_tokens")));
        assertEquals("main", call.getAttributes().get(AttributeKey.stringKey("octoagent.model_alias")));

        // The proxy was called inside the model call's span: LiteLLM's spans join this trace.
        List<LoggedRequest> calls = proxy.findAll(postRequestedFor(urlEqualTo("/chat/completions")));
        assertEquals(1, calls.size());
        assertEquals(List.of("00-" + CALLER_TRACE + "-" + call.getSpanId() + "-01"),
                calls.get(0).getHeaders().getHeader("traceparent").values(), "exactly one traceparent");
        assertTrue(calls.get(0).getBodyAsString().contains("\"trace_id\":\"" + CALLER_TRACE + "\""),
                "the proxy's metadata names the trace too");
    }

    @Test
    void aRequestWithoutTraceparentStartsTheTasksOwnTrace() {
        proxy.stubFor(completionFor("main").willReturn(success("new trace", "gpt-4o", "main", MAIN_ID,
                "3.5e-05", 1, 2)));
        JsonPath detail = Api.awaitTerminal(Api.submitText("no caller trace"));
        String traceId = detail.getString("events[0].trace_id");
        assertNotEquals(CALLER_TRACE, traceId);

        List<SpanData> trace = awaitTrace(traceId, "octoagent.task.record_answer");
        SpanData server = only(trace, span -> span.getKind() == SpanKind.SERVER
                && span.getName().contains("/api/message"));
        assertEquals(traceId, server.getTraceId(), "the task's trace is the request's");
        assertNotNull(only(trace, span -> span.getName().equals("chat main")));
    }

    @Test
    void aFailedProxyCallIsAnErrorSpanWithItsType() {
        proxy.stubFor(completionFor("main").willReturn(
                aResponse().withStatus(401)
                        .withHeader("content-type", "application/json")
                        .withBody("{\"error\":{\"message\":\"Authentication Error\",\"type\":\"auth_error\","
                                + "\"param\":\"None\",\"code\":\"401\"}}")));
        JsonPath detail = Api.awaitTerminal(Api.submitText("refused"));
        List<SpanData> trace = awaitTrace(detail.getString("events[0].trace_id"), "octoagent.task.record_answer");
        SpanData call = only(trace, span -> span.getName().equals("chat main"));
        assertEquals("unauthorized", call.getAttributes().get(AttributeKey.stringKey("error.type")),
                "the echo fallback answered, the proxy call failed");
        assertEquals(Boolean.TRUE, call.getAttributes().get(AttributeKey.booleanKey("octoagent.fallback")));
    }

    private List<SpanData> awaitTrace(String traceId, String lastSpan) {
        await().atMost(Duration.ofSeconds(10)).until(() -> spans.getFinishedSpanItems().stream()
                .anyMatch(span -> span.getTraceId().equals(traceId) && span.getName().equals(lastSpan)));
        // The run span ends just after its last step.
        await().atMost(Duration.ofSeconds(5)).until(() -> spans.getFinishedSpanItems().stream()
                .anyMatch(span -> span.getTraceId().equals(traceId) && span.getName().equals("octoagent.task")));
        return spans.getFinishedSpanItems().stream().filter(span -> span.getTraceId().equals(traceId))
                .collect(Collectors.toList());
    }

    private static SpanData only(List<SpanData> trace, Predicate<SpanData> which) {
        List<SpanData> found = trace.stream().filter(which).collect(Collectors.toList());
        assertEquals(1, found.size(), () -> "spans: " + trace.stream().map(SpanData::getName).collect(Collectors.toList()));
        return found.get(0);
    }

    /** The trace as a tree, for the reader of the test output. */
    private static void printTree(List<SpanData> trace) {
        Map<String, List<SpanData>> children = trace.stream().sorted(Comparator.comparingLong(SpanData::getStartEpochNanos))
                .collect(Collectors.groupingBy(SpanData::getParentSpanId, LinkedHashMap::new, Collectors.toList()));
        long origin = trace.stream().mapToLong(SpanData::getStartEpochNanos).min().orElse(0);
        StringBuilder out = new StringBuilder("trace " + trace.get(0).getTraceId() + "\n");
        Set<String> ids = trace.stream().map(SpanData::getSpanId).collect(Collectors.toSet());
        trace.stream().filter(span -> !ids.contains(span.getParentSpanId()))
                .forEach(root -> print(root, children, origin, 0, out));
        System.out.println(out);
    }

    private static void print(SpanData span, Map<String, List<SpanData>> children, long origin, int depth,
                              StringBuilder out) {
        out.append("  ".repeat(depth)).append(String.format("%-40s %-8s +%6.2f ms %6.2f ms  %s%n",
                span.getName(), span.getKind(), (span.getStartEpochNanos() - origin) / 1e6,
                (span.getEndEpochNanos() - span.getStartEpochNanos()) / 1e6, span.getSpanId()));
        children.getOrDefault(span.getSpanId(), List.of()).forEach(child -> print(child, children, origin, depth + 1, out));
    }

}
