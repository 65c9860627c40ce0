package io.octoagent.gateway.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.octoagent.gateway.support.Api;
import io.octoagent.gateway.support.SseClient;
import io.octoagent.gateway.support.SseClient.Frame;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Black-box SSE tests over a real socket; {@code TaskStreamIT} runs them against the packaged jar. */
@QuarkusTest
class TaskStreamTest {

    static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void aTerminalTaskStreamsItsHistoryMarksTheFinalEventAndCloses() throws Exception {
        String taskId = Api.submitText("stream me");
        JsonPath detail = Api.awaitTerminal(taskId);
        try (SseClient client = SseClient.open(RestAssured.port, "/api/stream/task/" + taskId)) {
            assertEquals(200, client.status());
            assertTrue(client.header("content-type").startsWith("text/event-stream"));
            List<Frame> frames = client.eventsUntilEnd(WAIT);
            List<String> ids = detail.getList("events.event_id");
            assertEquals(ids, frames.stream().map(Frame::id).toList());
            assertEquals(detail.getList("events.type"), frames.stream().map(Frame::event).toList());
            for (int i = 0; i < frames.size(); i++) {
                JsonPath data = JsonPath.from(frames.get(i).data());
                assertEquals(i + 1, data.getInt("task_seq"));
                assertEquals(taskId, data.getString("task_id"));
                assertEquals(i == frames.size() - 1, Boolean.TRUE.equals(data.get("final")), "only the last is final");
                assertFalse(frames.get(i).data().contains("\n"), "data is one line");
            }
            assertEquals("SUCCEEDED", JsonPath.from(frames.get(frames.size() - 1).data())
                    .getString("payload.to_status"));
        }
    }

    @Test
    void lastEventIdResumesStrictlyAfterThatEvent() throws Exception {
        String taskId = Api.submitText("resume me");
        List<String> ids = Api.awaitTerminal(taskId).getList("events.event_id");
        String middle = ids.get(3);
        try (SseClient client = SseClient.open(RestAssured.port, "/api/stream/task/" + taskId,
                Map.of("Last-Event-ID", middle), true)) {
            assertEquals(ids.subList(4, ids.size()), client.eventsUntilEnd(WAIT).stream().map(Frame::id).toList());
        }
        try (SseClient client = SseClient.open(RestAssured.port, "/api/stream/task/" + taskId
                + "?last_event_id=" + ids.get(ids.size() - 2))) {
            List<Frame> frames = client.eventsUntilEnd(WAIT);
            assertEquals(List.of(ids.get(ids.size() - 1)), frames.stream().map(Frame::id).toList());
            assertTrue(JsonPath.from(frames.get(0).data()).getBoolean("final"));
        }
    }

    @Test
    void resumingAfterTheFinalEventIs204SoAnEventSourceStopsReconnecting() throws Exception {
        String taskId = Api.submitText("already done");
        List<String> ids = Api.awaitTerminal(taskId).getList("events.event_id");
        try (SseClient client = SseClient.open(RestAssured.port, "/api/stream/task/" + taskId,
                Map.of("Last-Event-ID", ids.get(ids.size() - 1)), false)) {
            assertEquals(204, client.status());
            assertEquals(null, client.header("content-type"));
        }
        try (SseClient client = SseClient.open(RestAssured.port, "/api/stream/task/" + taskId
                + "?last_event_id=" + ids.get(ids.size() - 1), Map.of(), false)) {
            assertEquals(204, client.status());
        }
    }

    @Test
    void theStreamTellsClientsHowLongToWaitBeforeReconnecting() throws Exception {
        String taskId = Api.submitText("how long?");
        Api.awaitTerminal(taskId);
        try (SseClient client = SseClient.open(RestAssured.port, "/api/stream/task/" + taskId)) {
            Frame first = client.next(WAIT);
            assertEquals("connected", first.comment());
            assertEquals("3000", first.retry(), "the default OCTOAGENT_STREAM_RETRY of 3 s");
        }
    }

    @Test
    void unknownOrMalformedTasksAre404JsonNotAStream() throws Exception {
        for (String id : List.of("01ARZ3NDEKTSV4RRFFQ69G5FAV", "nope", "..%2F..%2Fetc")) {
            try (SseClient client = SseClient.open(RestAssured.port, "/api/stream/task/" + id)) {
                assertEquals(404, client.status(), id);
                assertTrue(client.header("content-type").startsWith("application/json"));
                assertEquals("TASK_NOT_FOUND", JsonPath.from(client.body()).getString("error.code"));
            }
        }
    }

    @Test
    void anUnknownOrForeignLastEventIdIs400() throws Exception {
        String taskId = Api.submitText("mine");
        String other = Api.submitText("theirs");
        String foreignEvent = Api.awaitTerminal(other).getString("events[0].event_id");
        for (String lastId : List.of(foreignEvent, "01ARZ3NDEKTSV4RRFFQ69G5FAV", "garbage")) {
            try (SseClient client = SseClient.open(RestAssured.port, "/api/stream/task/" + taskId,
                    Map.of("Last-Event-ID", lastId), true)) {
                assertEquals(400, client.status(), lastId);
                assertEquals("INVALID_LAST_EVENT_ID", JsonPath.from(client.body()).getString("error.code"));
            }
        }
    }
}
