package io.octoagent.gateway.task;

import io.octoagent.gateway.support.PostgresStoreProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** The ledger's store contract on a real PostgreSQL server, in every test run. */
@QuarkusTest
@TestProfile(PostgresStoreProfile.class)
class TaskLedgerPostgresTest extends TaskLedgerContract {
}
