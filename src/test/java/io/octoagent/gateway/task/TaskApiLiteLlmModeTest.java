package io.octoagent.gateway.task;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;

/**
 * The foundation's API tests, unchanged, in litellm mode with no proxy listening: every call
 * degrades to the echo model, so every task still succeeds with the same answer.
 */
@QuarkusTest
@TestProfile(TaskApiLiteLlmModeTest.ProxyDown.class)
class TaskApiLiteLlmModeTest extends TaskApiTest {

    public static class ProxyDown implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // Port 9 (discard) is closed on these machines: connections are refused at once.
            return Map.of("octoagent.llm.mode", "litellm", "octoagent.llm.proxy-url", "http://127.0.0.1:9");
        }
    }
}
