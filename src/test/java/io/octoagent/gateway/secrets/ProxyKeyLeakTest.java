package io.octoagent.gateway.secrets;

import static io.octoagent.gateway.support.LiteLlmProxyStub.MAIN_ID;
import static io.octoagent.gateway.support.LiteLlmProxyStub.PROXY_KEY;
import static io.octoagent.gateway.support.ProxyReplies.completionFor;
import static io.octoagent.gateway.support.ProxyReplies.error;
import static io.octoagent.gateway.support.ProxyReplies.success;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.octoagent.gateway.support.Api;
import io.octoagent.gateway.support.LiteLlmProxyStub;
import io.octoagent.gateway.support.ProxyStubbedTest;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * A proxy that echoes the key back — in an error message long enough to be cut, in a header, as
 * the answer's {@code model} — must not get it into an event, an endpoint, a metric or the log.
 */
@QuarkusTest
@QuarkusTestResource(value = LiteLlmProxyStub.class, restrictToAnnotatedClass = true, initArgs =
        @ResourceArg(name = "log-file", value = "target/proxy-key-leak-test.log"))
class ProxyKeyLeakTest extends ProxyStubbedTest {

    /** The leak seen was the key's first 11 characters: any 8-character prefix is a leak. */
    private static final String KEY_PREFIX = PROXY_KEY.substring(0, 8);

    @Test
    void aKeyStraddlingTheCutOfAnErrorMessageIsRedactedWhole() {
        // 290 characters, then the key: a cut at 300 falls inside it.
        String message = "x".repeat(290) + " " + PROXY_KEY + " was refused";
        proxy.stubFor(completionFor("main").willReturn(error(500, "internal_server_error", message)
                .withHeader("x-litellm-echo", PROXY_KEY)));
        String taskId = Api.submitText("leak me please");
        String detail = Api.awaitTerminal(taskId).prettify();
        assertTrue(detail.contains("proxy error 500"), detail);
        assertNoKey("the task's events", detail);
    }

    @Test
    void aKeyReturnedAsTheModelNameReachesNoEventMetricOrEndpoint() throws Exception {
        proxy.stubFor(completionFor("main").willReturn(success("an answer", PROXY_KEY, "main", "unknown-deployment",
                "0.0001", 3, 4)));
        String taskId = Api.submitText("who served me?");
        String detail = Api.awaitTerminal(taskId).prettify();
        assertTrue(detail.contains("SUCCEEDED"), detail);
        assertNoKey("the task's events", detail);
        assertNoKey("/api/tasks/{id}/cost", given().get("/api/tasks/{id}/cost", taskId).asString());
        assertNoKey("/api/cost/summary", given().get("/api/cost/summary").asString());
        assertNoKey("/q/metrics", given().get("/q/metrics").asString());
        assertNoKey("/api/tasks", given().get("/api/tasks").asString());
        assertNoKey("the log", Files.readString(Path.of("target/proxy-key-leak-test.log")));
    }

    @Test
    void aKeyInTheProxysModelInfoIsRedactedToo() {
        proxy.stubFor(completionFor("main").willReturn(success("fine", "gpt-4o", "main", MAIN_ID, null, 3, 4)));
        proxy.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get("/model/info").willReturn(
                com.github.tomakehurst.wiremock.client.WireMock.okJson("{\"data\":[{\"model_name\":\"main\","
                        + "\"litellm_params\":{\"model\":\"openai/" + PROXY_KEY + "\"},\"model_info\":{\"id\":\""
                        + MAIN_ID + "\",\"litellm_provider\":\"" + PROXY_KEY + "\"}}]}")));
        String detail = Api.awaitTerminal(Api.submitText("and now?")).prettify();
        assertNoKey("the task's events", detail);
        assertEquals(false, detail.contains("\"is_fallback\": true"), detail);
    }

    static void assertNoKey(String where, String text) {
        assertFalse(text.contains(KEY_PREFIX), where + " carries (a prefix of) the proxy key:\n" + text);
    }
}
