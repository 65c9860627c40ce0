package io.octoagent.gateway.health;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** The default test profile runs in echo mode: the proxy is skipped for every profile. */
@QuarkusTest
class EchoModeReadinessTest {

    @Test
    void theProxyIsSkippedInEchoModeForEveryProfile() {
        for (String profile : new String[] {"core", "llm", "full"}) {
            given().get("/ready?profile=" + profile).then().statusCode(200)
                    .body("status", equalTo("ready"))
                    .body("checks.litellm_proxy", equalTo("skipped"));
        }
        given().get("/q/health/group/llm").then().statusCode(200).body("checks[0].data.value", equalTo("skipped"));
    }
}
