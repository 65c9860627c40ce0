package io.octoagent.gateway.provider;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;

/**
 * The outcome of a model call on its span, named as the OpenTelemetry GenAI conventions name
 * them ({@code gen_ai.*}, {@code error.type}), beside our own cost and fallback attributes. An
 * echo answer used no tokens, so it records none.
 */
final class GenAiSpan {

    private GenAiSpan() {
    }

    static void completed(Span span, ModelCallResult result) {
        span.setAttribute("gen_ai.provider.name", result.provider());
        span.setAttribute("gen_ai.response.model", result.modelName());
        if (result.costSource() != CostSource.NONE) {
            span.setAttribute("gen_ai.usage.input_tokens", result.tokenUsage().promptTokens());
            span.setAttribute("gen_ai.usage.output_tokens", result.tokenUsage().completionTokens());
        }
        span.setAttribute("octoagent.cost_usd", result.costUsd());
        span.setAttribute("octoagent.fallback", result.isFallback());
        if (result.route() != null && !result.route().callId().isEmpty()) {
            span.setAttribute("octoagent.proxy_call_id", result.route().callId());
        }
        if (result.isFallback()) {
            // The proxy call failed; the echo model answered instead.
            span.setAttribute("error.type", result.fallbackKind().isEmpty() ? "other" : result.fallbackKind());
        }
    }

    static void failed(Span span, ModelCallException failure) {
        span.setAttribute("gen_ai.provider.name", failure.provider());
        span.setAttribute("error.type", failure.errorType() == null || failure.errorType().isBlank()
                ? "other" : failure.errorType());
        span.setStatus(StatusCode.ERROR, failure.getMessage());
    }
}
