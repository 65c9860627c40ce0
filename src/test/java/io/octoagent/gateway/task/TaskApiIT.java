package io.octoagent.gateway.task;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The task API tests against the packaged jar. */
@QuarkusIntegrationTest
class TaskApiIT extends TaskApiTest {
}
