package io.octoagent.gateway.provider;

import static io.octoagent.gateway.provider.ProviderProxyTest.completed;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.octoagent.gateway.support.Api;
import io.octoagent.gateway.support.InjectWireMock;
import io.octoagent.gateway.support.LiteLlmProxyStub;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** In echo mode the echo model is the primary and the proxy is never contacted. */
@QuarkusTest
@QuarkusTestResource(value = LiteLlmProxyStub.class, restrictToAnnotatedClass = true,
        initArgs = @ResourceArg(name = "mode", value = "echo"))
class EchoModeTest {

    @InjectWireMock
    WireMockServer proxy;

    @Test
    void tasksSucceedWithoutEverCallingTheProxy() {
        proxy.resetRequests();
        for (String alias : List.of("router", "planner", "fallback")) {
            Map<String, Object> completed = completed(Api.awaitTerminal(Api.submitText("echo " + alias, alias)));
            assertEquals("Echo: echo " + alias, completed.get("response_summary"));
            assertEquals(false, completed.get("is_fallback"));
            assertEquals("echo", completed.get("provider"));
            assertEquals("none", completed.get("cost_source"), "no table priced it: echo costs nothing by definition");
            assertEquals(false, completed.get("cost_unavailable"));
        }
        assertEquals(0, proxy.getAllServeEvents().size(), "requests reached the proxy in echo mode");
    }
}
