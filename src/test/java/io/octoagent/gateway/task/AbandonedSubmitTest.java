package io.octoagent.gateway.task;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.octoagent.gateway.support.Api;
import io.octoagent.gateway.support.Pause;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A client that sends {@code POST /api/message} and resets the connection before reading the
 * answer: whatever the server managed to commit must be processed, not left CREATED until the
 * next restart. Processing starts from the commit, not from the HTTP request.
 */
@QuarkusTest
class AbandonedSubmitTest {

    private static final int CLIENTS = 40;
    private static final int ENOUGH_COMMITTED = 5;

    @Test
    void aTaskWhoseClientResetTheConnectionIsStillProcessed() throws Exception {
        String marker = "abandoned-" + UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < CLIENTS; i++) {
            postAndReset(marker + "-" + i, i % 6);
        }

        // Let the commits that were under way land, then look at what the ledger holds.
        long deadline = System.nanoTime() + 10_000_000_000L;
        List<Map<String, Object>> committed;
        List<Map<String, Object>> unfinished;
        do {
            Pause.millis(200);
            committed = tasksWithTitle(marker);
            unfinished = committed.stream().filter(task -> !Api.TERMINAL.contains(task.get("status")))
                    .collect(Collectors.toList());
        } while (!unfinished.isEmpty() && System.nanoTime() < deadline);

        System.out.println("[AbandonedSubmitTest] " + CLIENTS + " requests reset by the client, " + committed.size()
                + " committed, " + unfinished.size() + " not finished");
        assertTrue(committed.size() >= ENOUGH_COMMITTED, "too few abandoned submissions reached the ledger ("
                + committed.size() + ") for the test to mean anything");
        if (!unfinished.isEmpty()) {
            fail(unfinished.size() + " of " + committed.size() + " committed tasks were never processed: "
                    + unfinished.stream().map(task -> task.get("task_id") + "=" + task.get("status"))
                    .collect(Collectors.joining(", ")));
        }
    }

    /** Sends the whole request, waits {@code delayMs}, then closes with RST (SO_LINGER 0) unread. */
    private static void postAndReset(String text, int delayMs) throws IOException {
        String body = "{\"text\":\"" + text + "\",\"idempotency_key\":\"" + text + "\"}";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), RestAssured.port)) {
            socket.setSoLinger(true, 0);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/message HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.flush();
            if (delayMs > 0) {
                Pause.millis(delayMs);
            }
        }
    }

    private static List<Map<String, Object>> tasksWithTitle(String marker) {
        JsonPath page = given().queryParam("limit", 500).get("/api/tasks").then().statusCode(200).extract().jsonPath();
        List<Map<String, Object>> tasks = page.getList("tasks");
        return tasks.stream().filter(task -> String.valueOf(task.get("title")).startsWith(marker))
                .collect(Collectors.toList());
    }
}
