package io.octoagent.gateway.health;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;

import io.octoagent.gateway.support.LiteLlmProxyStub;
import io.octoagent.gateway.support.ProxyStubbedTest;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** Readiness per profile against a proxy stub that can be taken down, probed over HTTP. */
@QuarkusTest
@QuarkusTestResource(value = LiteLlmProxyStub.class, restrictToAnnotatedClass = true)
class ReadinessTest extends ProxyStubbedTest {

    @Test
    void coreIsReadyAndNeverContactsTheProxy() {
        given().get("/ready").then().statusCode(200)
                .body("status", equalTo("ready"))
                .body("profile", equalTo("core"))
                .body("checks.sqlite", equalTo("ok"))
                .body("checks.artifacts_dir", equalTo("ok"))
                .body("checks.disk_space_mb", greaterThan(100))
                .body("checks.litellm_proxy", equalTo("skipped"));
        given().get("/ready?profile=core").then().statusCode(200);
        proxy.verify(0, getRequestedFor(urlEqualTo("/health/liveliness")));
    }

    @Test
    void llmAndFullProfilesCheckTheProxy() {
        for (String profile : new String[] {"llm", "full"}) {
            given().get("/ready?profile=" + profile).then().statusCode(200)
                    .body("status", equalTo("ready"))
                    .body("profile", equalTo(profile))
                    .body("checks.litellm_proxy", equalTo("ok"));
        }
        // Alive, then the key checked on an authenticated endpoint; the answer is reused for 10 s,
        // so frequent probes cost the proxy nothing.
        proxy.verify(1, getRequestedFor(urlEqualTo("/health/liveliness")));
        proxy.verify(1, getRequestedFor(urlEqualTo("/model/info")).withHeader("Authorization",
                com.github.tomakehurst.wiremock.client.WireMock.equalTo("Bearer " + LiteLlmProxyStub.PROXY_KEY)));
    }

    @Test
    void aDownProxyFailsLlmReadinessButNotKubernetesReadiness() {
        proxy.stop();
        given().get("/ready?profile=llm").then().statusCode(503)
                .body("status", equalTo("not_ready"))
                .body("checks.litellm_proxy", equalTo("unreachable"))
                .body("checks.sqlite", equalTo("ok"));
        given().get("/ready?profile=full").then().statusCode(503);
        given().get("/ready?profile=core").then().statusCode(200);
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/group/llm").then().statusCode(503)
                .body("status", equalTo("DOWN"))
                .body("checks.name", hasItem("litellm-proxy"));
    }

    @Test
    void aProxyAnsweringWithAnErrorIsReportedAsSuch() {
        proxy.stubFor(get(urlEqualTo("/health/liveliness")).willReturn(aResponse().withStatus(500)));
        given().get("/ready?profile=llm").then().statusCode(503)
                .body("checks.litellm_proxy", equalTo("error: status 500"));
    }

    @Test
    void theSmallRyeEndpointsAnswer() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/started").then().statusCode(200);
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.name", hasItem("sqlite"))
                .body("checks.name", hasItem("artifacts-dir"))
                .body("checks.name", hasItem("disk-space"))
                .body("checks.name", org.hamcrest.Matchers.not(hasItem("litellm-proxy")));
        given().get("/q/health/group/llm").then().statusCode(200).body("checks.name", hasItem("litellm-proxy"));
        given().get("/health").then().statusCode(200).body("status", equalTo("ok"));
    }

    @Test
    void anUnknownProfileIs422() {
        given().get("/ready?profile=everything").then().statusCode(422)
                .body("error.code", equalTo("VALIDATION_ERROR"))
                .body("error.message", org.hamcrest.Matchers.containsString("profile"));
    }
}
