package io.octoagent.gateway.provider;

import static io.octoagent.gateway.provider.ProviderProxyTest.completed;
import static io.octoagent.gateway.provider.ProviderProxyTest.number;
import static io.octoagent.gateway.support.ProxyReplies.completionFor;
import static io.octoagent.gateway.support.ProxyReplies.success;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.octoagent.gateway.support.Api;
import io.octoagent.gateway.support.InjectWireMock;
import io.octoagent.gateway.support.LiteLlmProxyStub;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** OCTOAGENT_PRICING_FILE extends and overrides the bundled prices. */
@QuarkusTest
@QuarkusTestResource(value = LiteLlmProxyStub.class, restrictToAnnotatedClass = true,
        initArgs = @ResourceArg(name = "pricing-file", value = "src/test/resources/user-prices.json"))
class UserPricingFileTest {

    @InjectWireMock
    WireMockServer proxy;

    @Test
    void aModelOnlyTheUserFileKnowsIsPricedFromIt() {
        proxy.stubFor(completionFor("main").willReturn(
                success("hi", "acme/house-model-7b", "main", "not-in-model-info", null, 100, 10)));
        Map<String, Object> completed = completed(Api.awaitTerminal(Api.submitText("house model")));
        assertEquals(100 * 2e-6 + 10 * 3e-6, number(completed, "cost_usd"), 1e-12);
        assertEquals("price_table", completed.get("cost_source"));
        assertEquals("house-model-7b", completed.get("model_name"));
        assertEquals("acme", completed.get("provider"));
    }

    @Test
    void theUserFileOverridesABundledPrice() {
        proxy.stubFor(completionFor("main").willReturn(
                success("hi", "gpt-4o-mini", "main", "not-in-model-info", null, 100, 100)));
        Map<String, Object> completed = completed(Api.awaitTerminal(Api.submitText("overridden")));
        assertEquals(200 * 1e-6, number(completed, "cost_usd"), 1e-12);
    }
}
