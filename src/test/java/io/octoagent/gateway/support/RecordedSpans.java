package io.octoagent.gateway.support;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Where spans go in tests: an in-memory exporter (it replaces the OTLP exporter). Spans are
 * recorded only by tests that turn tracing on; the others run as production does without an
 * OTLP endpoint, with tracing off.
 */
@ApplicationScoped
public class RecordedSpans {

    @Produces
    @Singleton
    InMemorySpanExporter exporter() {
        return InMemorySpanExporter.create();
    }
}
