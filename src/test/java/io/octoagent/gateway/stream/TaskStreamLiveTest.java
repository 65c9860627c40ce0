package io.octoagent.gateway.stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.octoagent.gateway.event.Actor;
import io.octoagent.gateway.event.ErrorPayload;
import io.octoagent.gateway.event.Event;
import io.octoagent.gateway.event.EventStore;
import io.octoagent.gateway.event.EventType;
import io.octoagent.gateway.store.Store;
import io.octoagent.gateway.support.SseClient;
import io.octoagent.gateway.support.SseClient.Frame;
import io.octoagent.gateway.task.NewTask;
import io.octoagent.gateway.access.Caller;
import io.octoagent.gateway.task.TaskIntake;
import io.octoagent.gateway.task.TaskLedger;
import io.octoagent.gateway.task.TaskService;
import io.octoagent.gateway.task.TaskStatus;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/** Live delivery: tasks driven step by step through the ledger while real sockets listen. */
@QuarkusTest
class TaskStreamLiveTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Inject
    TaskLedger ledger;

    @Inject
    TaskService service;

    @Inject
    TaskEventHub hub;

    @Inject
    Store store;

    @Inject
    EventStore events;

    @Test
    void historyThenLiveForARunningTask() throws Exception {
        String taskId = runningTask();
        try (SseClient client = open(taskId)) {
            List<Frame> received = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                received.add(client.nextEvent(WAIT));
            }
            assertEquals(List.of("TASK_CREATED", "USER_MESSAGE", "STATE_TRANSITION"),
                    received.stream().map(Frame::event).toList());
            append(taskId, 5);
            ledger.transition(taskId, TaskStatus.SUCCEEDED, "done", Actor.KERNEL).await().atMost(WAIT);
            List<Frame> live = client.eventsUntilEnd(WAIT);
            assertEquals(6, live.size());
            assertTrue(JsonPath.from(live.get(5).data()).getBoolean("final"));
            received.addAll(live);
            assertSameAsStore(taskId, received);
        }
        awaitNoSubscribers(taskId);
    }

    @Test
    void cancelEndsOpenStreamsWithTheFinalCancelledTransition() throws Exception {
        String taskId = runningTask();
        try (SseClient client = open(taskId)) {
            assertNotNull(client.nextEvent(WAIT));
            service.cancel(taskId, Caller.SYSTEM).await().atMost(WAIT);
            List<Frame> rest = client.eventsUntilEnd(WAIT);
            JsonPath last = JsonPath.from(rest.get(rest.size() - 1).data());
            assertEquals("CANCELLED", last.getString("payload.to_status"));
            assertTrue(last.getBoolean("final"));
        }
    }

    @Test
    void theHandOverFromHistoryToLiveNeitherDropsNorRepeats() throws Exception {
        for (int round = 0; round < 30; round++) {
            String taskId = runningTask();
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < 40; i++) {
                    append(taskId, 1);
                }
                ledger.transition(taskId, TaskStatus.SUCCEEDED, "done", Actor.KERNEL).await().atMost(WAIT);
            });
            Thread.sleep(ThreadLocalRandom.current().nextInt(0, 15));
            try (SseClient client = open(taskId)) {
                List<Frame> frames = client.eventsUntilEnd(WAIT);
                writer.get();
                assertSameAsStore(taskId, frames);
            }
        }
    }

    @Test
    void aHundredSubscribersReceiveTheSameCompleteSequence() throws Exception {
        String taskId = runningTask();
        List<SseClient> clients = new ArrayList<>();
        try {
            clients.addAll(open(taskId, 100));
            await().atMost(WAIT).until(() -> hub.subscriberCount(taskId) == 100);
            append(taskId, 50);
            ledger.transition(taskId, TaskStatus.SUCCEEDED, "done", Actor.KERNEL).await().atMost(WAIT);
            for (SseClient client : clients) {
                assertSameAsStore(taskId, client.eventsUntilEnd(WAIT));
            }
        } finally {
            for (SseClient client : clients) {
                client.close();
            }
        }
        awaitNoSubscribers(taskId);
    }

    @Test
    void disconnectedClientsAreCleanedUpAtOnce() throws Exception {
        String taskId = runningTask();
        List<SseClient> clients = open(taskId, 5);
        await().atMost(WAIT).until(() -> hub.subscriberCount(taskId) == 5);
        for (SseClient client : clients) {
            client.close();
        }
        awaitNoSubscribers(taskId);
    }

    @Test
    void aSlowClientIsDroppedWithoutSlowingWritersOrOtherClients() throws Exception {
        String taskId = runningTask();
        String big = "x".repeat(8 * 1024);
        try (SseClient slow = SseClient.open(RestAssured.port, "/api/stream/task/" + taskId, Map.of(), false);
             SseClient fast = open(taskId)) {
            await().atMost(WAIT).until(() -> hub.subscriberCount(taskId) == 2);
            appendConcurrently(taskId, 3000, big);
            ledger.transition(taskId, TaskStatus.SUCCEEDED, "done", Actor.KERNEL).await().atMost(WAIT);
            // The fast client still gets everything; the slow one was cut off on its own.
            assertSameAsStore(taskId, fast.eventsUntilEnd(WAIT));
            awaitNoSubscribers(taskId);
        }
    }

    @Test
    void aLongHistoryIsReplayedWholeNotCountedAgainstTheLiveBuffer() throws Exception {
        // 2,000 events of 4 KiB: far beyond the 1,024-event live buffer (the default) and
        // beyond what the socket buffers hold while the client has not started reading yet.
        String taskId = runningTask();
        String text = "h".repeat(4096);
        appendConcurrently(taskId, 2000, text);
        ledger.transition(taskId, TaskStatus.SUCCEEDED, "done", Actor.KERNEL).await().atMost(WAIT);
        try (SseClient client = SseClient.open(RestAssured.port, "/api/stream/task/" + taskId, Map.of(), false)) {
            assertEquals(200, client.status());
            Thread.sleep(1000); // the server fills the socket and must wait for it to drain
            client.startReading();
            assertSameAsStore(taskId, client.eventsUntilEnd(WAIT));
        }
    }

    @Test
    void heartbeatsKeepAnIdleStreamAlive() throws Exception {
        String taskId = runningTask(); // stays RUNNING: the stream never ends by itself
        try (SseClient client = open(taskId)) {
            int heartbeats = 0;
            while (heartbeats < 2) {
                Frame frame = client.next(Duration.ofSeconds(5));
                assertNotNull(frame, "the idle stream keeps talking");
                heartbeats += "heartbeat".equals(frame.comment()) ? 1 : 0;
            }
        }
        awaitNoSubscribers(taskId);
    }

    private SseClient open(String taskId) throws IOException {
        SseClient client = SseClient.open(RestAssured.port, "/api/stream/task/" + taskId);
        assertEquals(200, client.status());
        return client;
    }

    /** A task created and moved to RUNNING without the pipeline, so the test alone drives it. */
    private String runningTask() {
        NewTask task = new NewTask("live", "live-" + UUID.randomUUID(), "test", "default", "tester", null, "main", null);
        String taskId = ledger.create(task, TaskIntake.RECORD_ONLY).await().atMost(WAIT).task().taskId();
        ledger.transition(taskId, TaskStatus.RUNNING, "test", Actor.KERNEL).await().atMost(WAIT);
        return taskId;
    }

    private List<SseClient> open(String taskId, int count) throws IOException {
        List<SseClient> clients = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            clients.add(open(taskId));
        }
        return clients;
    }

    /** Appends {@code count} events at once, so the writer groups them into few commits. */
    private void appendConcurrently(String taskId, int count, String message) {
        List<Uni<Event>> writes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            writes.add(ledger.step(taskId, step -> step.append(EventType.ERROR, Actor.SYSTEM,
                    new ErrorPayload("business", message, true, ""))));
        }
        Uni.join().all(writes).andFailFast().await().atMost(WAIT);
    }

    private void append(String taskId, int count) {
        for (int i = 0; i < count; i++) {
            ledger.step(taskId, step -> step.append(EventType.ERROR, Actor.SYSTEM,
                    new ErrorPayload("business", "probe", true, ""))).await().atMost(WAIT);
        }
    }

    private void assertSameAsStore(String taskId, List<Frame> received) {
        List<String> stored = store.readNow(connection -> events.listByTask(connection, taskId)).stream()
                .map(Event::eventId).toList();
        assertEquals(stored, received.stream().map(Frame::id).toList());
    }

    private void awaitNoSubscribers(String taskId) {
        await().atMost(WAIT).until(() -> hub.subscriberCount(taskId) == 0);
    }
}
