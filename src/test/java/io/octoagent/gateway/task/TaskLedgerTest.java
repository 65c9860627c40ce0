package io.octoagent.gateway.task;

import io.quarkus.test.junit.QuarkusTest;

/** The ledger's store contract on the configured store (SQLite; PostgreSQL in the postgres test run). */
@QuarkusTest
class TaskLedgerTest extends TaskLedgerContract {
}
