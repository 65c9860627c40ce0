package io.octoagent.gateway.stream;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The SSE tests against the packaged jar. */
@QuarkusIntegrationTest
class TaskStreamIT extends TaskStreamTest {
}
