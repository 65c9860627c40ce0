package io.octoagent.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.octoagent.gateway.provider.ModelCallException;
import io.octoagent.gateway.provider.ModelCallResult;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/**
 * Model-call metrics, named after the OpenTelemetry GenAI conventions where they fit, tagged by
 * alias, runtime group, served model (capped at 50 values) and provider. Fault-tolerance
 * counters already come from SmallRye ({@code ft_*}); these add what they lack.
 */
@ApplicationScoped
public class LlmMetrics {

    static final int MAX_MODEL_NAMES = 50;
    /** The {@code error.type} of a call without error: Micrometer wants one tag set per meter name. */
    static final String NO_ERROR = "none";
    /** Bucket boundaries the GenAI semantic conventions give for gen_ai.client.token.usage. */
    static final double[] TOKEN_BUCKETS = {1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304,
            16777216, 67108864};
    /** … and for gen_ai.client.operation.duration, in seconds. */
    static final Duration[] DURATION_BUCKETS = durations(0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12,
            10.24, 20.48, 40.96, 81.92);

    private static Duration[] durations(double... seconds) {
        Duration[] durations = new Duration[seconds.length];
        for (int i = 0; i < seconds.length; i++) {
            durations[i] = Duration.ofNanos(Math.round(seconds[i] * 1e9));
        }
        return durations;
    }

    private final MeterRegistry registry;
    private final BoundedTagValues models = new BoundedTagValues(MAX_MODEL_NAMES);
    private final BoundedTagValues providers = new BoundedTagValues(MAX_MODEL_NAMES);
    private final BoundedTagValues groups = new BoundedTagValues(MAX_MODEL_NAMES);

    public LlmMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * One answered call. The GenAI histograms follow the OpenTelemetry semantic conventions: the
     * operation's duration (with {@code error.type} when the proxy failed and the echo model
     * answered) and, for calls that really used tokens, the token usage by type; echo answers
     * record no token sample, as the conventions ask. Cost and fallback counters sit beside them.
     */
    public void completed(ModelCallResult result, String runtimeGroup) {
        Tags tags = Tags.of("model_alias", result.modelAlias(), "runtime_group", runtimeGroup,
                "gen_ai_response_model", models.of(result.modelName()), "gen_ai_provider", providers.of(result.provider()));
        Tags genAi = genAiTags(result.modelAlias(), runtimeGroup)
                .and("gen_ai.provider.name", providers.of(result.provider()))
                .and("gen_ai.response.model", models.of(result.modelName()))
                .and("error.type", result.isFallback() ? errorType(result.fallbackKind()) : NO_ERROR);
        duration(genAi, result.durationMs());
        if (!result.isFallback() && result.tokenUsage().totalTokens() > 0) {
            tokens(genAi, "input", result.tokenUsage().promptTokens());
            tokens(genAi, "output", result.tokenUsage().completionTokens());
        }
        Counter.builder("octoagent.llm.cost")
                .description("USD spent on model calls")
                .baseUnit("usd")
                .tags(tags)
                .register(registry)
                .increment(result.costUsd());
        if (result.costUnavailable()) {
            Counter.builder("octoagent.llm.cost.unavailable")
                    .description("Model calls whose cost could not be determined")
                    .tags(tags).register(registry).increment();
        }
        if (result.isFallback()) {
            Counter.builder("octoagent.llm.fallbacks")
                    .description("Calls answered by the echo fallback, by what failed")
                    .tags("model_alias", result.modelAlias(), "runtime_group", runtimeGroup,
                            "reason", result.fallbackKind().isEmpty() ? "other" : result.fallbackKind())
                    .register(registry).increment();
        }
        if (result.route() != null && result.route().proxyFallback()) {
            // The groups are the runtime groups the proxy is configured with: a bounded set.
            Counter.builder("octoagent.llm.proxy.fallbacks")
                    .description("Calls the proxy answered from another group than the one requested (its own fallback)")
                    .tags("requested_group", result.route().requestedGroup(), "served_group",
                            groups.of(result.route().servedGroup()))
                    .register(registry).increment();
        }
    }

    public void failed(ModelCallException failure, String runtimeGroup) {
        duration(genAiTags(failure.modelAlias(), runtimeGroup)
                .and("gen_ai.provider.name", providers.of(failure.provider()))
                .and("gen_ai.response.model", models.of(failure.modelName()))
                .and("error.type", errorType(failure.errorType())), failure.durationMs());
        Counter.builder("octoagent.llm.failures")
                .description("Model calls that produced no answer, not even from the fallback")
                .tags("model_alias", failure.modelAlias(), "runtime_group", runtimeGroup, "error_type",
                        failure.errorType())
                .register(registry).increment();
    }

    /** {@code gen_ai.operation.name}, {@code gen_ai.request.model} (the runtime group) and our alias. */
    private static Tags genAiTags(String modelAlias, String runtimeGroup) {
        return Tags.of("gen_ai.operation.name", "chat", "gen_ai.request.model", runtimeGroup,
                "octoagent.model_alias", modelAlias);
    }

    private void duration(Tags tags, long millis) {
        Timer.builder("gen_ai.client.operation.duration")
                .description("GenAI operation duration (OpenTelemetry semantic conventions' buckets)")
                .tags(tags)
                .serviceLevelObjectives(DURATION_BUCKETS)
                .register(registry)
                .record(Duration.ofMillis(Math.max(0, millis)));
    }

    private void tokens(Tags tags, String type, long count) {
        DistributionSummary.builder("gen_ai.client.token.usage")
                .description("Tokens used per GenAI call (OpenTelemetry semantic conventions' buckets)")
                .baseUnit("tokens")
                .tags(tags).tag("gen_ai.token.type", type)
                .serviceLevelObjectives(TOKEN_BUCKETS)
                .register(registry)
                .record(count);
    }

    private static String errorType(String kind) {
        return kind == null || kind.isBlank() ? "other" : kind;
    }
}
