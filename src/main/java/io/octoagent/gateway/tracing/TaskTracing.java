package io.octoagent.gateway.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A task's trace: the W3C {@code traceparent} it arrived with (or the HTTP server span's) names
 * the trace its events carry and the parent of the spans of its processing. Processing runs
 * after the request, on other threads, so its spans take their parent explicitly, never from a
 * thread's current context. With tracing off (no OTLP endpoint) nothing is exported, but an
 * incoming trace id still becomes the task's and is still passed on to the proxy.
 */
@ApplicationScoped
public class TaskTracing {

    private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();
    private static final TextMapGetter<Map<String, String>> MAP_GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    private final Tracer tracer;

    public TaskTracing(Tracer tracer) {
        this.tracer = tracer;
    }

    /**
     * The {@code traceparent} a new task continues: the current server span when tracing is on,
     * else the request's own header when it is valid; null when there is neither.
     */
    public static String traceParentOf(String incomingHeader) {
        SpanContext current = Span.current().getSpanContext();
        if (current.isValid()) {
            return format(current);
        }
        SpanContext incoming = Span.fromContext(extract(incomingHeader)).getSpanContext();
        return incoming.isValid() ? format(incoming) : null;
    }

    /** The trace id a {@code traceparent} names, or null. */
    public static String traceIdOf(String traceParent) {
        SpanContext context = Span.fromContext(extract(traceParent)).getSpanContext();
        return context.isValid() ? context.getTraceId() : null;
    }

    /** A fresh random trace id, for a task that arrived without one. */
    public static String newTraceId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high;
        long low;
        do {
            high = random.nextLong();
            low = random.nextLong();
        } while (high == 0 && low == 0);
        return String.format("%016x%016x", high, low);
    }

    /**
     * The parent context of a task's processing: the {@code traceparent} it was submitted with,
     * or, when that is gone (the task resumes after a restart), its trace id under a stand-in
     * parent, so the spans still join the task's trace.
     */
    public static Context parentOf(String traceParent, String traceId) {
        Context context = extract(traceParent);
        if (Span.fromContext(context).getSpanContext().isValid() || traceId == null || traceId.length() != 32) {
            return context;
        }
        String standIn = String.format("%016x", ThreadLocalRandom.current().nextLong() | 1L);
        return Context.root().with(Span.wrap(SpanContext.createFromRemoteParent(traceId, standIn,
                TraceFlags.getSampled(), TraceState.getDefault())));
    }

    /** The {@code traceparent} header naming the span of {@code context}; null when it has none. */
    public static String traceParentHeader(Context context) {
        SpanContext span = Span.fromContext(context).getSpanContext();
        return span.isValid() ? format(span) : null;
    }

    /**
     * Runs {@code work} inside a new span, child of {@code parent}; the span ends when the work
     * ends (failed, or cancelled). {@code work} gets the span's context, the parent of what it
     * starts in turn. A failure is recorded by its type and message only: a stack trace's
     * causes could carry text from the proxy that was never redacted.
     */
    public <T> Uni<T> inSpan(String name, SpanKind kind, Context parent, Consumer<SpanBuilder> attributes,
                             Function<Context, Uni<T>> work) {
        return Uni.createFrom().deferred(() -> {
            SpanBuilder builder = tracer.spanBuilder(name).setSpanKind(kind).setParent(parent);
            attributes.accept(builder);
            Span span = builder.startSpan();
            return work.apply(parent.with(span))
                    .onTermination().invoke((item, failure, cancelled) -> {
                        if (failure != null) {
                            span.setStatus(StatusCode.ERROR, failure.getClass().getSimpleName() + ": "
                                    + failure.getMessage());
                        } else if (cancelled) {
                            span.setAttribute("octoagent.cancelled", true);
                        }
                        span.end();
                    });
        });
    }

    public <T> Uni<T> inSpan(String name, Context parent, Function<Context, Uni<T>> work) {
        return inSpan(name, SpanKind.INTERNAL, parent, builder -> {
        }, work);
    }

    private static Context extract(String traceParent) {
        if (traceParent == null || traceParent.isEmpty()) {
            return Context.root();
        }
        Map<String, String> carrier = new HashMap<>(2);
        carrier.put("traceparent", traceParent);
        return W3C.extract(Context.root(), carrier, MAP_GETTER);
    }

    private static String format(SpanContext span) {
        Map<String, String> carrier = new HashMap<>(2);
        W3C.inject(Context.root().with(Span.wrap(span)), carrier, Map::put);
        return carrier.get("traceparent");
    }
}
