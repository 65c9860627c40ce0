package io.octoagent.gateway.support;

import io.quarkus.test.common.QuarkusTestResource;

/** Holds the annotation that applies {@link PostgresMode} to every Quarkus test. */
@QuarkusTestResource(value = PostgresMode.class, restrictToAnnotatedClass = false)
public final class PostgresModeResource {
    private PostgresModeResource() {
    }
}
