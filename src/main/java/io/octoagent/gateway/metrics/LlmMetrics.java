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

    private final MeterRegistry registry;
    private final BoundedTagValues models = new BoundedTagValues(MAX_MODEL_NAMES);
    private final BoundedTagValues providers = new BoundedTagValues(MAX_MODEL_NAMES);
    private final BoundedTagValues groups = new BoundedTagValues(MAX_MODEL_NAMES);

    public LlmMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void completed(ModelCallResult result, String runtimeGroup) {
        Tags tags = Tags.of("model_alias", result.modelAlias(), "runtime_group", runtimeGroup,
                "gen_ai_response_model", models.of(result.modelName()), "gen_ai_provider", providers.of(result.provider()));
        Timer.builder("gen_ai.client.operation.duration")
                .description("Duration of model calls, fallbacks included")
                .tags(tags).tag("gen_ai_operation_name", "chat").tag("outcome", result.isFallback() ? "fallback" : "ok")
                .register(registry)
                .record(Duration.ofMillis(result.durationMs()));
        tokens(tags, "input", result.tokenUsage().promptTokens());
        tokens(tags, "output", result.tokenUsage().completionTokens());
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
        Counter.builder("octoagent.llm.failures")
                .description("Model calls that produced no answer, not even from the fallback")
                .tags("model_alias", failure.modelAlias(), "runtime_group", runtimeGroup, "error_type",
                        failure.errorType())
                .register(registry).increment();
    }

    private void tokens(Tags tags, String type, long count) {
        DistributionSummary.builder("gen_ai.client.token.usage")
                .description("Tokens per model call")
                .baseUnit("tokens")
                .tags(tags).tag("gen_ai_token_type", type)
                .register(registry)
                .record(count);
    }
}
