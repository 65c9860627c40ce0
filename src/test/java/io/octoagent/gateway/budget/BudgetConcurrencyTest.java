package io.octoagent.gateway.budget;

import static io.octoagent.gateway.budget.BudgetedProxy.CHEAP_WORST;
import static io.octoagent.gateway.budget.BudgetedProxy.DOWNGRADE_LIMIT;
import static io.octoagent.gateway.budget.BudgetedProxy.FALLBACK_WORST;
import static io.octoagent.gateway.budget.BudgetedProxy.N;
import static io.octoagent.gateway.budget.BudgetedProxy.PROMPT;
import static io.octoagent.gateway.budget.BudgetedProxy.usd;
import static io.octoagent.gateway.support.LiteLlmProxyStub.CHEAP_ID;
import static io.octoagent.gateway.support.LiteLlmProxyStub.FALLBACK_ID;
import static io.octoagent.gateway.support.ProxyReplies.completionFor;
import static io.octoagent.gateway.support.ProxyReplies.error;
import static io.octoagent.gateway.support.ProxyReplies.success;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.octoagent.gateway.support.Api;
import io.octoagent.gateway.support.ProxyStubbedTest;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.path.json.config.JsonPathConfig;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The concurrency proof: a budget sized for exactly N worst-case calls, 64 tasks submitted at
 * once, twenty times over — never a cent over the limit, exactly N answered, the rest refused
 * before any call. The same with a downgrade, with answers cheaper than the worst case, and with
 * calls that fail.
 */
@QuarkusTest
@QuarkusTestResource(value = BudgetedProxy.class, restrictToAnnotatedClass = true)
class BudgetConcurrencyTest extends ProxyStubbedTest {

    static final int BURST = 64;
    static final JsonPathConfig DOUBLES = new JsonPathConfig(JsonPathConfig.NumberReturnType.DOUBLE);

    @TestHTTPResource("/")
    URL base;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void aBudgetForNCallsAnswersExactlyNOf64ConcurrentTasksTwentyTimesOver() {
        stubAnswers(1.0);
        List<String> report = new ArrayList<>();
        String firstRejected = null;
        for (String owner : BudgetedProxy.owners("rej")) {
            Map<String, List<String>> byStatus = burst(owner, "router");
            firstRejected = firstRejected != null ? firstRejected : byStatus.get("REJECTED").get(0);
            assertEquals(N, byStatus.getOrDefault("SUCCEEDED", List.of()).size(), owner + " " + counts(byStatus));
            assertEquals(BURST - N, byStatus.getOrDefault("REJECTED", List.of()).size(), owner + " " + counts(byStatus));
            Map<String, Object> status = budget("proof-reject", owner);
            long spent = nanos(status, "spent_usd");
            assertEquals(N * CHEAP_WORST, spent, "real spend is the N calls' cost, exactly the limit");
            assertTrue(spent <= N * CHEAP_WORST);
            assertEquals(0, nanos(status, "reserved_usd"), "nothing stays reserved");
            assertEquals("exhausted", status.get("state"));
            assertEquals(N * CHEAP_WORST, nanos(ownerSpend(owner), "cost_usd"), "the cost ledger agrees");
            long peak = reservedPeak(byStatus.get("SUCCEEDED"), "proof-reject");
            assertTrue(peak <= N * CHEAP_WORST, "reservations never held more than the limit");
            report.add(owner + ": " + counts(byStatus) + ", reserved peak $" + usd(peak) + ", spent $" + usd(spent));
        }
        JsonPath refused = Api.detail(firstRejected);
        Map<String, Object> exceeded = refused.getMap("events.find { it.type == 'BUDGET_EXCEEDED' }.payload");
        assertEquals("proof-reject", exceeded.get("budget"));
        assertEquals("exhausted", exceeded.get("reason"));
        assertEquals(usd(N * CHEAP_WORST), usd(nanos(exceeded, "limit_usd")));
        assertEquals(usd(CHEAP_WORST), usd(nanos(exceeded, "needed_usd")));
        assertTrue(refused.getList("events.type").stream().noneMatch("MODEL_CALL_STARTED"::equals),
                "no model call for a refused task");
        System.out.println("Concurrency proof (limit $" + usd(N * CHEAP_WORST) + " = " + N + " x worst case $"
                + usd(CHEAP_WORST) + ", " + BURST + " tasks at once):\n  " + String.join("\n  ", report));
    }

    @Test
    void aDowngradeBudgetSendsWhatNoLongerFitsToTheCheaperAliasAndNeverOvershoots() {
        stubAnswers(1.0);
        long fullPrice = DOWNGRADE_LIMIT / FALLBACK_WORST;
        long downgraded = (DOWNGRADE_LIMIT - fullPrice * FALLBACK_WORST) / CHEAP_WORST;
        for (String owner : BudgetedProxy.owners("dg")) {
            Map<String, List<String>> byStatus = burst(owner, "fallback");
            assertEquals(fullPrice + downgraded, byStatus.getOrDefault("SUCCEEDED", List.of()).size(),
                    owner + " " + counts(byStatus));
            long spent = nanos(budget("proof-downgrade", owner), "spent_usd");
            assertEquals(fullPrice * FALLBACK_WORST + downgraded * CHEAP_WORST, spent);
            assertTrue(spent <= DOWNGRADE_LIMIT);
            long markedDowngraded = byStatus.get("SUCCEEDED").stream().map(Api::detail)
                    .filter(detail -> "proof-downgrade".equals(
                            detail.getString("events.find { it.type == 'MODEL_CALL_STARTED' }.payload.downgraded_by_budget")))
                    .peek(detail -> assertEquals("cheap",
                            detail.getString("events.find { it.type == 'MODEL_CALL_STARTED' }.payload.runtime_group")))
                    .count();
            assertEquals(downgraded, markedDowngraded);
        }
    }

    @Test
    void answersCheaperThanTheWorstCaseReleaseTheirReservationsAndLetMoreCallsThrough() {
        stubAnswers(0.25);
        int succeeded = 0;
        for (int i = 0; i < BURST; i++) {
            String status = Api.awaitTerminal(submit("cheaper", "router")).getString("task.status");
            succeeded += status.equals("SUCCEEDED") ? 1 : 0;
        }
        // Call k is admitted while (k - 1) real costs + one worst case fit the limit.
        long real = Math.round(CHEAP_WORST * 0.25);
        long expected = (N * CHEAP_WORST - CHEAP_WORST) / real + 1;
        assertEquals(Math.min(BURST, expected), succeeded);
        assertTrue(succeeded > N, "released reservations let more than N calls through");
        Map<String, Object> status = budget("proof-cheaper", "cheaper");
        assertTrue(nanos(status, "spent_usd") <= N * CHEAP_WORST);
        assertEquals(0, nanos(status, "reserved_usd"));
    }

    @Test
    void failedCallsReleaseTheirReservations() {
        proxy.stubFor(completionFor("cheap").willReturn(error(500, "internal_server_error", "deployment down")));
        Map<String, List<String>> first = burst("failing", "router");
        Map<String, Object> status = budget("proof-failing", "failing");
        assertEquals(0, nanos(status, "spent_usd"), "the echo fallback answered: nothing spent");
        assertEquals(0, nanos(status, "reserved_usd"), "every reservation released");
        assertTrue(first.getOrDefault("SUCCEEDED", List.of()).size() >= N, counts(first).toString());

        stubAnswers(1.0);
        Map<String, List<String>> again = burst("failing", "router");
        assertEquals(N, again.getOrDefault("SUCCEEDED", List.of()).size(), "nothing leaked: N fit again");
    }

    /**
     * The most the calls of {@code taskIds} held reserved on {@code budget} at once: their events
     * replayed in commit order (event ids are ULIDs made by the single writer, so they sort in
     * commit order), adding each reservation and taking it off at the call's outcome.
     */
    private static long reservedPeak(List<String> taskIds, String budget) {
        TreeMap<String, Long> changes = new TreeMap<>();
        for (String taskId : taskIds) {
            long held = 0;
            for (Map<String, Object> event : Api.detail(taskId).using(DOUBLES).<Map<String, Object>>getList("events")) {
                Map<?, ?> payload = (Map<?, ?>) event.get("payload");
                if ("MODEL_CALL_STARTED".equals(event.get("type"))) {
                    for (Object reservation : (List<?>) payload.get("budget_reservations")) {
                        Map<?, ?> entry = (Map<?, ?>) reservation;
                        if (budget.equals(entry.get("budget"))) {
                            held = Usd.nanos(((Number) entry.get("reserved_usd")).doubleValue());
                            changes.put((String) event.get("event_id"), held);
                        }
                    }
                } else if ("MODEL_CALL_COMPLETED".equals(event.get("type"))
                        || "MODEL_CALL_FAILED".equals(event.get("type"))) {
                    changes.put((String) event.get("event_id"), -held);
                }
            }
        }
        long reserved = 0;
        long peak = 0;
        for (long change : changes.values()) {
            reserved += change;
            peak = Math.max(peak, reserved);
        }
        return peak;
    }

    private void stubAnswers(double fraction) {
        proxy.stubFor(completionFor("cheap").willReturn(success("cheap answer", "gpt-4o-mini", "cheap", CHEAP_ID,
                usd(Math.round(CHEAP_WORST * fraction)), 10, 20)));
        proxy.stubFor(completionFor("fallback").willReturn(success("fallback answer", "claude-3-5-haiku-20241022",
                "fallback", FALLBACK_ID, usd(Math.round(FALLBACK_WORST * fraction)), 10, 20)));
    }

    /** Submits BURST tasks at once for {@code owner}, waits for all, and groups their ids by final status. */
    private Map<String, List<String>> burst(String owner, String alias) {
        List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
        for (int i = 0; i < BURST; i++) {
            String body = "{\"text\":\"" + PROMPT + "\",\"idempotency_key\":\"" + UUID.randomUUID()
                    + "\",\"sender_id\":\"" + owner + "\",\"model_alias\":\"" + alias + "\"}";
            sent.add(http.sendAsync(HttpRequest.newBuilder(URI.create(base + "api/message"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()));
        }
        Map<String, List<String>> byStatus = new TreeMap<>();
        for (CompletableFuture<HttpResponse<String>> response : sent) {
            HttpResponse<String> answer = response.join();
            assertEquals(201, answer.statusCode(), answer.body());
            String taskId = JsonPath.from(answer.body()).getString("task_id");
            String status = Api.awaitTerminal(taskId).getString("task.status");
            byStatus.computeIfAbsent(status, ignored -> new ArrayList<>()).add(taskId);
        }
        return byStatus;
    }

    private static String submit(String owner, String alias) {
        return Api.submit(Map.of("text", PROMPT, "idempotency_key", Api.newKey(), "sender_id", owner,
                "model_alias", alias)).then().statusCode(201).extract().path("task_id");
    }

    static Map<String, Object> budget(String name, String scopeValue) {
        List<Map<String, Object>> budgets = JsonPath.from(given().get("/api/budgets").then().statusCode(200)
                .extract().asString()).using(DOUBLES).getList("budgets");
        return budgets.stream().filter(b -> name.equals(b.get("name")) && scopeValue.equals(b.get("scope_value")))
                .findFirst().orElseThrow(() -> new AssertionError(name + "/" + scopeValue + " not in " + budgets));
    }

    private static Map<String, Object> ownerSpend(String owner) {
        List<Map<String, Object>> by = JsonPath.from(given().queryParam("group_by", "owner").get("/api/cost/summary")
                .then().statusCode(200).extract().asString()).using(DOUBLES).getList("by");
        Map<?, ?> spend = (Map<?, ?>) by.stream().filter(bucket -> owner.equals(bucket.get("key"))).findFirst()
                .orElseThrow().get("spend");
        @SuppressWarnings("unchecked")
        Map<String, Object> typed = (Map<String, Object>) spend;
        return typed;
    }

    static long nanos(Map<String, Object> map, String field) {
        return Usd.nanos(((Number) map.get(field)).doubleValue());
    }

    private static Map<String, Integer> counts(Map<String, List<String>> byStatus) {
        return byStatus.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().size(),
                (a, b) -> a, TreeMap::new));
    }
}
