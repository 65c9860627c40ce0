package io.octoagent.gateway.budget;

import static io.octoagent.gateway.budget.BudgetRulesTest.exceeded;
import static io.octoagent.gateway.budget.BudgetRulesTest.started;
import static io.octoagent.gateway.budget.BudgetRulesTest.submit;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.octoagent.gateway.support.Api;
import io.octoagent.gateway.support.ProxyStubbedTest;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Calls that cost nothing are never blocked; in echo mode even a $0 budget lets every task through. */
@QuarkusTest
@QuarkusTestResource(value = BudgetedProxy.class, restrictToAnnotatedClass = true,
        initArgs = @ResourceArg(name = "mode", value = "echo"))
class BudgetFreeAndUnpricedTest extends ProxyStubbedTest {

    @Test
    void echoAnswersAreNeverBlockedEvenByAZeroBudget() {
        for (int i = 0; i < 3; i++) {
            JsonPath detail = Api.awaitTerminal(submit("zero", "router"));
            assertEquals("SUCCEEDED", detail.getString("task.status"), detail.prettify());
            assertEquals(0.0, started(detail).getDouble("worst_case_usd"));
            List<Map<String, Object>> reservations = started(detail).getList("budget_reservations");
            assertEquals(List.of("everything", "nothing"), reservations.stream().map(r -> r.get("budget")).toList());
        }
        assertEquals(0, BudgetConcurrencyTest.nanos(BudgetConcurrencyTest.budget("nothing", "zero"), "spent_usd"));
        assertEquals("exhausted", BudgetConcurrencyTest.budget("nothing", "zero").get("state"),
                "a $0 allowance has nothing left, yet free calls pass");
        JsonPath unpricedOwner = Api.awaitTerminal(submit("unpriced", "executor"));
        assertEquals("SUCCEEDED", unpricedOwner.getString("task.status"), "echo is priced: $0");
        assertEquals(List.of(), unpricedOwner.getList("events.findAll { it.type == 'BUDGET_EXCEEDED' }"));
    }
}
