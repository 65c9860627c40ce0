package io.octoagent.gateway.support;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;

/** The application on PostgreSQL ({@code OCTOAGENT_STORE=postgres}), on a fresh database of the test server. */
public class PostgresStoreProfile implements QuarkusTestProfile {

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(Database.class));
    }

    /** Creates the database when the application starts. */
    public static class Database implements io.quarkus.test.common.QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            return TestPostgres.serviceConfig("profile");
        }

        @Override
        public void stop() {
        }
    }
}
