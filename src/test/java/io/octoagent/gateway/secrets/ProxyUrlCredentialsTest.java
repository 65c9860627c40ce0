package io.octoagent.gateway.secrets;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.octoagent.gateway.support.Api;
import io.octoagent.gateway.support.LiteLlmProxyStub;
import io.octoagent.gateway.support.ProxyStubbedTest;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Credentials in LITELLM_PROXY_URL ({@code http://user:pass@host}) are never printed. */
@QuarkusTest
@QuarkusTestResource(value = LiteLlmProxyStub.class, restrictToAnnotatedClass = true, initArgs = {
        @ResourceArg(name = "user-info", value = "octo-admin:Pa55w0rd-in-url"),
        @ResourceArg(name = "log-file", value = "target/proxy-url-credentials-test.log")})
class ProxyUrlCredentialsTest extends ProxyStubbedTest {

    @Test
    void anUnreachableProxyIsNamedWithoutItsCredentials() throws Exception {
        proxy.stop();
        JsonPath detail = Api.awaitTerminal(Api.submitText("is anyone there?"));
        String reason = detail.getString("events.find { it.type == 'MODEL_CALL_COMPLETED' }.payload.fallback_reason");
        assertTrue(reason.startsWith("proxy unreachable: http://localhost:") || reason.startsWith(
                "proxy unreachable: http://127.0.0.1:"), reason);
        String everything = detail.prettify() + Files.readString(Path.of("target/proxy-url-credentials-test.log"));
        assertFalse(everything.contains("Pa55w0rd"), everything);
        assertFalse(everything.contains("octo-admin"), everything);
    }
}
