package io.octoagent.gateway.provider;

import static io.octoagent.gateway.support.LiteLlmProxyStub.MAIN_ID;
import static io.octoagent.gateway.support.ProxyReplies.completionFor;
import static io.octoagent.gateway.support.ProxyReplies.error;
import static io.octoagent.gateway.support.ProxyReplies.success;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.octoagent.gateway.support.Api;
import io.octoagent.gateway.support.LiteLlmProxyStub;
import io.octoagent.gateway.support.ProxyStubbedTest;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With fallback disabled a failed call fails the task, recording why. */
@QuarkusTest
@QuarkusTestResource(value = LiteLlmProxyStub.class, restrictToAnnotatedClass = true,
        initArgs = @ResourceArg(name = "fallback", value = "none"))
class FallbackNoneTest extends ProxyStubbedTest {

    @Test
    void aTimeoutFailsTheTaskWithTimeoutSeconds() {
        proxy.stubFor(completionFor("main").willReturn(
                success("late", "gpt-4o", "main", MAIN_ID, "1e-05", 1, 1).withFixedDelay(5000)));
        JsonPath detail = Api.awaitTerminal(Api.submitText("too slow"));
        assertEquals("FAILED", detail.getString("task.status"));
        Map<String, Object> failed = detail.getMap("events.find { it.type == 'MODEL_CALL_FAILED' }.payload");
        assertEquals("timeout", failed.get("error_type"));
        assertEquals(2, failed.get("timeout_s"));
        assertEquals(false, failed.get("is_fallback"));
        assertEquals("main", failed.get("model_alias"));
        assertEquals("FAILED", detail.getString("events[-1].payload.to_status"));
        assertFalse(detail.getList("events.type").contains("MODEL_CALL_COMPLETED"));
    }

    @Test
    void aProxyErrorFailsTheTaskWithTheProxysMessage() {
        proxy.stubFor(completionFor("main").willReturn(error(429, "throttling_error", "Rate limit exceeded")));
        JsonPath detail = Api.awaitTerminal(Api.submitText("throttled"));
        assertEquals("FAILED", detail.getString("task.status"));
        Map<String, Object> failed = detail.getMap("events.find { it.type == 'MODEL_CALL_FAILED' }.payload");
        assertEquals("rate_limited", failed.get("error_type"));
        assertEquals("rate_limited: proxy error 429 (throttling_error): Rate limit exceeded", failed.get("error_message"));
        assertFalse(failed.containsKey("timeout_s"));
    }
}
