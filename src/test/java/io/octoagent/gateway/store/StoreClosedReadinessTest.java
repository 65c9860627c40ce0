package io.octoagent.gateway.store;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A closed store takes the service out of readiness and turns writes into 503, not 500. */
@QuarkusTest
@TestProfile(StoreClosedReadinessTest.OwnStore.class)
class StoreClosedReadinessTest {

    public static class OwnStore implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("octoagent.data-dir", "target/test-data-closed");
        }
    }

    @Inject
    SqliteStore store;

    @Test
    void aClosedStoreIsNotReady() {
        given().get("/q/health/ready").then().statusCode(200);
        store.close();
        given().get("/ready").then().statusCode(503).body("checks.sqlite", equalTo("error: store closed"));
        given().get("/q/health/ready").then().statusCode(503)
                .body("checks.find { it.name == 'sqlite' }.status", equalTo("DOWN"));
        given().contentType("application/json").body("{\"text\":\"hi\",\"idempotency_key\":\"closed-store\"}")
                .post("/api/message").then().statusCode(503).body("error.code", equalTo("STORE_UNAVAILABLE"));
        given().get("/health").then().statusCode(200);
    }
}
