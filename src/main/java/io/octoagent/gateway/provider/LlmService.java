package io.octoagent.gateway.provider;

import io.octoagent.gateway.metrics.LlmMetrics;
import io.octoagent.gateway.tracing.TaskTracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * The one entry point for model calls: a prompt or chat messages in, a {@link ModelCallResult}
 * out. Resolves the alias to its runtime group and calls through the fallback chain; in echo
 * mode the echo model is the primary and the proxy is never contacted.
 */
@ApplicationScoped
public class LlmService {

    private final AliasRegistry aliases;
    private final EchoMessageAdapter echo;
    private final LiteLlmClient proxy;
    private final ProviderSettings settings;
    private final LlmMetrics metrics;
    private final TaskTracing tracing;

    public LlmService(AliasRegistry aliases, EchoMessageAdapter echo, LiteLlmClient proxy, ProviderSettings settings,
                      LlmMetrics metrics, TaskTracing tracing) {
        this.aliases = aliases;
        this.echo = echo;
        this.proxy = proxy;
        this.settings = settings;
        this.metrics = metrics;
        this.tracing = tracing;
    }

    /**
     * A call for {@code modelAlias} sent to {@code group} (a budget may have chosen a cheaper one
     * than the alias's). Fails only with {@link ModelCallException}: the call produced no answer,
     * fallback included. The call is a GenAI client span ({@code chat <group>}) under the
     * attribution's trace.
     */
    public Uni<ModelCallResult> call(String modelAlias, String group, int maxTokens, List<ChatMessage> messages,
                                     CallAttribution attribution) {
        Context parent = attribution == null ? Context.root() : attribution.trace();
        return tracing.inSpan("chat " + group, SpanKind.CLIENT, parent, span -> span
                        .setAttribute("gen_ai.operation.name", "chat")
                        .setAttribute("gen_ai.request.model", group)
                        .setAttribute("gen_ai.request.max_tokens", maxTokens)
                        .setAttribute("octoagent.model_alias", modelAlias),
                trace -> traced(modelAlias, group, maxTokens, messages,
                        attribution == null ? null : attribution.within(trace))
                        .invoke(result -> GenAiSpan.completed(Span.fromContext(trace), result))
                        .onFailure(ModelCallException.class).invoke(failure ->
                                GenAiSpan.failed(Span.fromContext(trace), (ModelCallException) failure)));
    }

    private Uni<ModelCallResult> traced(String modelAlias, String group, int maxTokens, List<ChatMessage> messages,
                                        CallAttribution attribution) {
        long start = System.nanoTime();
        Uni<ModelCallResult> call = settings.mode() == ProviderSettings.Mode.ECHO
                ? Uni.createFrom().item(() -> echo.answer(modelAlias, messages))
                : proxyCall(modelAlias, group, maxTokens, messages, attribution)
                        .map(result -> result.withDuration(elapsedMs(start)));
        return call
                .onFailure().transform(failure -> failed(modelAlias, failure, elapsedMs(start)))
                .invoke(result -> metrics.completed(result, group))
                .onFailure(ModelCallException.class).invoke(failure -> metrics.failed((ModelCallException) failure, group));
    }

    /** The guarded proxy call; cancelling the returned Uni closes the proxy connection at once. */
    private Uni<ModelCallResult> proxyCall(String modelAlias, String group, int maxTokens, List<ChatMessage> messages,
                                           CallAttribution attribution) {
        CallCancellation cancellation = new CallCancellation();
        return proxy.complete(modelAlias, group, maxTokens, messages, attribution, cancellation)
                .onCancellation().invoke(cancellation::cancel);
    }

    /** The {@code max_tokens} of a call for {@code modelAlias}. */
    public int maxTokens(String modelAlias) {
        return settings.maxTokens(modelAlias);
    }

    /** The LiteLLM group a call for {@code modelAlias} goes to. */
    public String runtimeGroup(String modelAlias) {
        return aliases.resolve(modelAlias);
    }

    private ModelCallException failed(String modelAlias, Throwable failure, long durationMs) {
        if (failure instanceof ModelCallException) {
            return (ModelCallException) failure;
        }
        String kind = failure instanceof ProviderException ? ((ProviderException) failure).kind() : "unexpected";
        Long timeoutS = "timeout".equals(kind) ? (long) settings.timeoutSeconds() : null;
        return new ModelCallException(modelAlias, "", "litellm", kind, settings.redact(failure.getMessage()),
                durationMs, false, timeoutS, failure);
    }

    private static long elapsedMs(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
