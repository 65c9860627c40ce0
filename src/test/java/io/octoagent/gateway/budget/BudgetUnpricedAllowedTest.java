package io.octoagent.gateway.budget;

import static io.octoagent.gateway.budget.BudgetRulesTest.started;
import static io.octoagent.gateway.budget.BudgetRulesTest.submit;
import static io.octoagent.gateway.support.LiteLlmProxyStub.MAIN_ID;
import static io.octoagent.gateway.support.ProxyReplies.completionFor;
import static io.octoagent.gateway.support.ProxyReplies.success;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.octoagent.gateway.support.Api;
import io.octoagent.gateway.support.ProxyStubbedTest;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

/** OCTOAGENT_BUDGET_UNPRICED=allow: an unpriced call goes ahead, says so, and is still charged what it cost. */
@QuarkusTest
@QuarkusTestResource(value = BudgetedProxy.class, restrictToAnnotatedClass = true,
        initArgs = @ResourceArg(name = "unpriced", value = "allow"))
class BudgetUnpricedAllowedTest extends ProxyStubbedTest {

    @Test
    void anUnpricedCallIsAllowedRecordedAndChargedItsRealCost() {
        proxy.stubFor(completionFor("main").willReturn(success("main answer", "gpt-4o", "main", MAIN_ID, "0.25",
                10, 20)));
        JsonPath detail = Api.awaitTerminal(submit("unpriced", "executor"));
        assertEquals("SUCCEEDED", detail.getString("task.status"));
        assertEquals("allowed", started(detail).getString("budget_unpriced"));
        assertNull(started(detail).get("worst_case_usd"));
        assertEquals(0.25, (Double) BudgetConcurrencyTest.budget("unpriced", "unpriced").get("spent_usd"), 1e-12);
        assertEquals(0.0, (Double) BudgetConcurrencyTest.budget("unpriced", "unpriced").get("reserved_usd"), 1e-12);
    }
}
