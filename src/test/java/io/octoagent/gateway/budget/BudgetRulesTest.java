package io.octoagent.gateway.budget;

import static io.octoagent.gateway.budget.BudgetConcurrencyTest.budget;
import static io.octoagent.gateway.budget.BudgetConcurrencyTest.nanos;
import static io.octoagent.gateway.budget.BudgetedProxy.CHEAP_WORST;
import static io.octoagent.gateway.budget.BudgetedProxy.PROMPT;
import static io.octoagent.gateway.budget.BudgetedProxy.usd;
import static io.octoagent.gateway.support.LiteLlmProxyStub.CHEAP_ID;
import static io.octoagent.gateway.support.LiteLlmProxyStub.MAIN_ID;
import static io.octoagent.gateway.support.ProxyReplies.completionFor;
import static io.octoagent.gateway.support.ProxyReplies.success;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.client.WireMock;
import io.octoagent.gateway.support.Api;
import io.octoagent.gateway.support.ProxyStubbedTest;
import io.octoagent.gateway.task.TaskLedger;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Budget rules one at a time: several budgets, periods, unpriced and free calls, the projection, the API. */
@QuarkusTest
@QuarkusTestResource(value = BudgetedProxy.class, restrictToAnnotatedClass = true)
class BudgetRulesTest extends ProxyStubbedTest {

    @Inject
    TaskLedger ledger;

    @Test
    void everyBudgetThatAppliesReservesAndTheTightestRefuses() throws Exception {
        stubCheap();
        for (int call = 1; call <= 2; call++) {
            JsonPath detail = Api.awaitTerminal(submit("multi", "router"));
            assertEquals("SUCCEEDED", detail.getString("task.status"));
            List<Map<String, Object>> reservations = started(detail).getList("budget_reservations");
            assertEquals(List.of("everything", "two-calls"), reservations.stream().map(r -> r.get("budget")).toList());
            assertEquals(usd(CHEAP_WORST), usd(nanos(reservations.get(1), "reserved_usd")));
            assertEquals(1000, started(detail).getInt("max_tokens"));
        }
        JsonPath third = Api.awaitTerminal(submit("multi", "router"));
        assertEquals("REJECTED", third.getString("task.status"));
        assertEquals("two-calls", exceeded(third).getString("budget"));
        assertEquals(2 * CHEAP_WORST, nanos(budget("two-calls", "multi"), "spent_usd"));
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.contains("octoagent_budget_rejections_total{budget=\"two-calls\"} 1.0"), metrics);
        assertTrue(metrics.contains("octoagent_budget_soft_threshold_crossings_total{budget=\"two-calls\"} 1.0"),
                "the second call took two-calls past 80%");
        // The gauges follow the projection every few seconds.
        await().atMost(Duration.ofSeconds(10)).until(() -> given().get("/q/metrics").then().extract().asString()
                .contains("octoagent_budget_remaining_usd{budget=\"two-calls\",scope_value=\"multi\"} 0.0"));
        assertTrue(Files.readString(Path.of("target", "provider-test.log"))
                .contains("Budget two-calls (owner multi, period from 1970-01-01) passed its soft threshold of 80%"));
        proxy.verify(2, WireMock.postRequestedFor(WireMock.urlEqualTo("/chat/completions"))
                .withRequestBody(WireMock.matchingJsonPath("$.max_tokens", WireMock.equalTo("1000"))));
    }

    @Test
    void cancellingATaskDuringItsCallReleasesTheReservation() {
        proxy.stubFor(completionFor("cheap").willReturn(success("late", "gpt-4o-mini", "cheap", CHEAP_ID,
                usd(CHEAP_WORST), 10, 20).withFixedDelay(1_500)));
        long spentBefore = nanos(budget("everything", "*"), "spent_usd");
        String taskId = submit("canceller", "router");
        await().atMost(Duration.ofSeconds(5)).until(() -> nanos(budget("everything", "*"), "reserved_usd") > 0);
        given().post("/api/tasks/{id}/cancel", taskId).then().statusCode(200);
        assertEquals("CANCELLED", Api.awaitTerminal(taskId).getString("task.status"));
        assertEquals(0, nanos(budget("everything", "*"), "reserved_usd"), "the reservation is released");
        assertEquals(spentBefore, nanos(budget("everything", "*"), "spent_usd"), "nothing is charged");
    }

    @Test
    void budgetsDeclaredInTheConfigurationJoinThoseOfTheFile() {
        Map<String, Object> declared = budget("from-config", "yaml-owner");
        assertEquals("week", declared.get("period"));
        assertEquals(0.5, (Double) declared.get("limit_usd"), 1e-12);
        assertEquals("downgrade:router", declared.get("on_exhausted"));
        assertEquals(80, declared.get("soft_percent"));
    }

    @Test
    void anAliasMaxTokensBoundsItsCallsAndTheirWorstCase() {
        stubCheap();
        JsonPath detail = Api.awaitTerminal(submit("alias-max", "summarizer"));
        assertEquals("SUCCEEDED", detail.getString("task.status"));
        assertEquals(200, started(detail).getInt("max_tokens"));
        assertEquals(usd(BudgetedProxy.worst("1.5e-07", "6e-07") - (BudgetedProxy.MAX_TOKENS - 200) * 600L),
                usd(Usd.nanos(started(detail).getDouble("worst_case_usd"))), "200 output tokens at $6e-07 each");
        proxy.verify(1, WireMock.postRequestedFor(WireMock.urlEqualTo("/chat/completions"))
                .withRequestBody(WireMock.matchingJsonPath("$.max_tokens", WireMock.equalTo("200"))));
    }

    @Test
    void aDailyBudgetStartsAgainAtMidnightUtc() {
        stubCheap();
        AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2030-03-04T23:59:00Z"));
        QuarkusMock.installMockForType(new BudgetClock() {
            @Override
            public Instant now() {
                return now.get();
            }
        }, BudgetClock.class);

        assertEquals("SUCCEEDED", Api.awaitTerminal(submit("day", "router")).getString("task.status"));
        JsonPath refused = Api.awaitTerminal(submit("day", "router"));
        assertEquals("REJECTED", refused.getString("task.status"));
        assertEquals("2030-03-05T00:00:00Z", exceeded(refused).getString("resets_at"));
        Map<String, Object> before = budget("daily", "day");
        assertEquals("2030-03-04", before.get("period_start"));
        assertEquals("exhausted", before.get("state"));

        now.set(Instant.parse("2030-03-05T00:00:01Z"));
        assertEquals("SUCCEEDED", Api.awaitTerminal(submit("day", "router")).getString("task.status"));
        Map<String, Object> after = budget("daily", "day");
        assertEquals("2030-03-05", after.get("period_start"));
        assertEquals(CHEAP_WORST, nanos(after, "spent_usd"));
        assertEquals("2030-03-06T00:00:00Z", after.get("resets_at"));
    }

    @Test
    void periodsAreUtcDaysIsoWeeksAndCalendarMonths() {
        Instant wednesday = Instant.parse("2030-03-06T12:00:00Z");
        assertEquals(LocalDate.parse("2030-03-06"), BudgetPeriod.DAY.start(wednesday));
        assertEquals(LocalDate.parse("2030-03-04"), BudgetPeriod.WEEK.start(wednesday), "ISO weeks start on Monday");
        assertEquals(Instant.parse("2030-03-11T00:00:00Z"), BudgetPeriod.WEEK.resetsAt(wednesday));
        assertEquals(LocalDate.parse("2030-03-01"), BudgetPeriod.MONTH.start(wednesday));
        assertEquals(Instant.parse("2030-04-01T00:00:00Z"), BudgetPeriod.MONTH.resetsAt(wednesday));
        assertNull(BudgetPeriod.TOTAL.resetsAt(wednesday));
        assertEquals(LocalDate.EPOCH.atStartOfDay(ZoneOffset.UTC).toLocalDate(), BudgetPeriod.TOTAL.start(wednesday));
    }

    @Test
    void aCallThatCannotBePricedIsDeniedByDefault() {
        // Group main lists a deployment the proxy cannot price.
        JsonPath refused = Api.awaitTerminal(submit("unpriced", "executor"));
        assertEquals("REJECTED", refused.getString("task.status"));
        assertEquals("unpriced", exceeded(refused).getString("reason"));
        assertNull(exceeded(refused).get("needed_usd"));
        assertFalse(refused.getList("events.type").contains("MODEL_CALL_STARTED"));
    }

    @Test
    void aBudgetOfZeroRefusesEveryPricedCall() {
        stubCheap();
        JsonPath refused = Api.awaitTerminal(submit("zero", "router"));
        assertEquals("REJECTED", refused.getString("task.status"));
        assertEquals("nothing", exceeded(refused).getString("budget"));
    }

    @Test
    void rebuildingTheProjectionFromTheEventsReproducesEveryAmount() {
        stubCheap();
        Api.awaitTerminal(submit("rebuild", "router"));
        List<Object> before = given().get("/api/budgets").then().statusCode(200).extract().jsonPath().getList("budgets");
        ledger.rebuildProjection().await().atMost(Duration.ofSeconds(30));
        List<Object> after = given().get("/api/budgets").then().statusCode(200).extract().jsonPath().getList("budgets");
        assertEquals(before, after);
    }

    @Test
    void costSummaryCoversAWindowAndGroupsByOneDimension() {
        stubCheap();
        Api.awaitTerminal(submit("summary", "router"));
        String today = LocalDate.now(ZoneOffset.UTC).toString();
        JsonPath byDay = given().queryParam("group_by", "day").get("/api/cost/summary").then().statusCode(200)
                .extract().jsonPath();
        assertEquals("day", byDay.getString("group_by"));
        assertEquals(today, byDay.getString("by[-1].key"));
        JsonPath byOwner = given().queryParam("group_by", "owner").queryParam("from", today).get("/api/cost/summary")
                .then().statusCode(200).extract().jsonPath();
        assertEquals(1, byOwner.getInt("by.find { it.key == 'summary' }.spend.calls"));
        given().queryParam("from", LocalDate.now(ZoneOffset.UTC).plusDays(1).toString()).get("/api/cost/summary")
                .then().statusCode(200).body("total.calls", equalTo(0));
        given().queryParam("group_by", "colour").get("/api/cost/summary").then().statusCode(422)
                .body("error.code", equalTo("VALIDATION_ERROR"));
        given().queryParam("to", "yesterday").get("/api/cost/summary").then().statusCode(422)
                .body("error.message", equalTo("to: must be an ISO-8601 instant (2026-11-26T10:00:00Z) or a day "
                        + "(2026-11-26)"));
    }

    private void stubCheap() {
        proxy.stubFor(completionFor("cheap").willReturn(success("cheap answer", "gpt-4o-mini", "cheap", CHEAP_ID,
                usd(CHEAP_WORST), 10, 20)));
        proxy.stubFor(completionFor("main").willReturn(success("main answer", "gpt-4o", "main", MAIN_ID,
                "0.001", 10, 20)));
    }

    static String submit(String owner, String alias) {
        return Api.submit(Map.of("text", PROMPT, "idempotency_key", Api.newKey(), "sender_id", owner,
                "model_alias", alias)).then().statusCode(201).extract().path("task_id");
    }

    static JsonPath started(JsonPath detail) {
        return JsonPath.from(detail.prettify()).using(BudgetConcurrencyTest.DOUBLES)
                .setRootPath("events.find { it.type == 'MODEL_CALL_STARTED' }.payload");
    }

    static JsonPath exceeded(JsonPath detail) {
        return JsonPath.from(detail.prettify()).using(BudgetConcurrencyTest.DOUBLES)
                .setRootPath("events.find { it.type == 'BUDGET_EXCEEDED' }.payload");
    }
}
