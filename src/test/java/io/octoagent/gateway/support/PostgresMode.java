package io.octoagent.gateway.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Runs every {@code @QuarkusTest} against PostgreSQL when {@code -Dtest.store=postgres}
 * is set (the surefire execution {@code postgres} does), each application start on a fresh
 * database; without it, a no-op. Registered for all test classes in {@link PostgresModeResource}.
 */
public class PostgresMode implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return TestPostgres.modeRequested() ? TestPostgres.serviceConfig("http") : Map.of();
    }

    @Override
    public void stop() {
    }
}
