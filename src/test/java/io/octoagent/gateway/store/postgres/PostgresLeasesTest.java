package io.octoagent.gateway.store.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.octoagent.gateway.config.ServiceSettings;
import io.octoagent.gateway.event.Actor;
import io.octoagent.gateway.event.ErrorPayload;
import io.octoagent.gateway.event.EventType;
import io.octoagent.gateway.support.PostgresStoreProfile;
import io.octoagent.gateway.task.LeaseLostException;
import io.octoagent.gateway.task.NewTask;
import io.octoagent.gateway.task.TaskIntake;
import io.octoagent.gateway.task.TaskLeases;
import io.octoagent.gateway.task.TaskLedger;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.Test;

/**
 * Leases between replicas, on a real PostgreSQL server: this application is one replica, other
 * {@link PostgresLeases} instances on the same database are the others. A live lease is never
 * claimed; an expired one is claimed by exactly one of several racing replicas; the replica that
 * lost it can no longer write a worker step and learns so when it renews.
 */
@QuarkusTest
@TestProfile(PostgresLeasesTest.LongLeases.class)
class PostgresLeasesTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    /** Leases that never lapse by themselves during the test, and no background claims. */
    public static class LongLeases extends PostgresStoreProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("octoagent.db.lease-ttl", "1h");
        }
    }

    @Inject
    TaskLedger ledger;

    @Inject
    TaskLeases leases;

    @Inject
    PostgresStore store;

    @Inject
    ServiceSettings settings;

    @Test
    void aLiveLeaseIsNeverClaimedByAnotherReplica() {
        String taskId = create();
        assertFalse(new PostgresLeases(store, settings).claim(1_000).contains(taskId));
        assertTrue(leases.renew(List.of(taskId)).isEmpty(), "the creating replica still holds it");
    }

    @Test
    void anExpiredLeaseGoesToExactlyOneOfTheRacingReplicasAndTheOldHolderCannotWrite() throws Exception {
        String taskId = create();
        expire(taskId);
        int racers = 4;
        CyclicBarrier start = new CyclicBarrier(racers);
        List<CompletableFuture<List<String>>> claims = new ArrayList<>();
        for (int i = 0; i < racers; i++) {
            PostgresLeases replica = new PostgresLeases(store, settings);
            claims.add(CompletableFuture.supplyAsync(() -> {
                try {
                    start.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return replica.claim(1_000);
            }));
        }
        long winners = claims.stream().map(CompletableFuture::join).filter(claimed -> claimed.contains(taskId))
                .count();
        assertEquals(1, winners, "exactly one replica took the task over");

        Throwable refused = assertThrows(RuntimeException.class, () -> ledger.workerStep(taskId, step ->
                step.append(EventType.ERROR, Actor.SYSTEM, new ErrorPayload("system", "late", false, "")))
                .await().atMost(WAIT));
        assertInstanceOf(LeaseLostException.class, refused);
        assertEquals(Set.of(taskId), leases.renew(List.of(taskId)), "the old holder learns it lost the task");
    }

    private String create() {
        NewTask task = new NewTask("leased", "lease-" + UUID.randomUUID(), "test", "default", "tester", null,
                "main", null);
        return ledger.create(task, TaskIntake.RECORD_ONLY).await().atMost(WAIT).task().taskId();
    }

    private void expire(String taskId) {
        store.writeNow(context -> {
            try (PreparedStatement statement = context.connection().prepareStatement(
                    "UPDATE task_leases SET expires_at = now() - interval '1 second' WHERE task_id = ?")) {
                statement.setString(1, taskId);
                return statement.executeUpdate();
            }
        });
    }
}
