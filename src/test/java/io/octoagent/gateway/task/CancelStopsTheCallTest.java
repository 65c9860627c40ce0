package io.octoagent.gateway.task;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.octoagent.gateway.support.Api;
import io.octoagent.gateway.support.Pause;
import io.octoagent.gateway.support.RawProxy;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Cancelling a task whose proxy call hangs closes the proxy connection at once, records no
 * fallback answer, and leaves the circuit breaker alone: slow cancelled calls must not degrade
 * the next caller's tasks to echo.
 */
@QuarkusTest
@QuarkusTestResource(value = RawProxy.class, restrictToAnnotatedClass = true)
class CancelStopsTheCallTest {

    @Test
    void cancelClosesTheProxyConnectionAndTheBreakerStaysClosed() {
        RawProxy proxy = RawProxy.current();
        proxy.hang(true);
        List<String> cancelled = new ArrayList<>();
        // Four slow calls, each cancelled while the proxy sits on it: enough to open the breaker
        // (4 calls, 50 % failures) if a cancelled call were counted as a timeout.
        for (int i = 0; i < 4; i++) {
            int callsBefore = proxy.calls().size();
            String taskId = Api.submitText("a question the proxy never answers " + i);
            await().atMost(Duration.ofSeconds(10)).until(() -> proxy.calls().size() > callsBefore);
            RawProxy.Call call = proxy.calls().get(callsBefore);
            Pause.millis(300);
            long cancelledAt = System.nanoTime();
            given().post("/api/tasks/{id}/cancel", taskId).then().statusCode(200);
            long closedAt = call.closedNanos().orTimeout(5, TimeUnit.SECONDS).join();
            long closedAfterMs = TimeUnit.NANOSECONDS.toMillis(closedAt - cancelledAt);
            System.out.println("[CancelStopsTheCallTest] proxy connection closed " + closedAfterMs
                    + " ms after the cancel");
            assertTrue(closedAfterMs < 1_000, "the proxy connection closed " + closedAfterMs + " ms after the cancel");
            cancelled.add(taskId);
        }

        // Past the 2 s call timeout: an abandoned call would have timed out (and fallen back) by now.
        Pause.millis(2_500);
        for (String taskId : cancelled) {
            JsonPath detail = Api.detail(taskId);
            assertEquals("CANCELLED", detail.getString("task.status"));
            List<String> types = detail.getList("events.type");
            assertFalse(types.contains("MODEL_CALL_COMPLETED"), "no answer is recorded for a cancelled call: " + types);
            assertFalse(types.contains("MODEL_CALL_FAILED"), "a cancelled call is not a failed call: " + types);
        }

        // The proxy is fine again: the next task gets its real answer, not "circuit open".
        proxy.hang(false);
        JsonPath next = Api.awaitTerminal(Api.submitText("and now a question it answers"));
        assertEquals("SUCCEEDED", next.getString("task.status"));
        String completed = "events.find { it.type == 'MODEL_CALL_COMPLETED' }.payload";
        assertEquals(false, next.getBoolean(completed + ".is_fallback"),
                "fallback_reason: " + next.getString(completed + ".fallback_reason"));
        assertEquals("a real answer", next.getString(completed + ".response_summary"));
    }
}
