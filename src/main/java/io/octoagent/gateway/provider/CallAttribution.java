package io.octoagent.gateway.provider;

import io.octoagent.gateway.tracing.TaskTracing;
import io.opentelemetry.context.Context;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Whose call this is, as the proxy is told it for its own spend tracking: LiteLLM reads the
 * body's {@code user} (the end user: here the task's owner) and {@code metadata} (with
 * {@code tags}, a list) into its spend logs, so its logs and this ledger agree call by call.
 * {@code trace} is the tracing context the call's span is a child of.
 */
@RegisterForReflection
public record CallAttribution(String taskId, String owner, String modelAlias, String scopeId, String traceId,
                              Context trace) {

    public CallAttribution {
        trace = trace == null ? Context.root() : trace;
    }

    /** The same attribution under another tracing context (the call's own span). */
    public CallAttribution within(Context context) {
        return new CallAttribution(taskId, owner, modelAlias, scopeId, traceId, context);
    }

    /** The {@code traceparent} header for the call: LiteLLM's own spans join the task's trace. */
    public String traceParent() {
        return TaskTracing.traceParentHeader(trace);
    }

    /** The {@code metadata} object sent with the call. */
    public Map<String, Object> metadata() {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("tags", List.of("octoagent", "alias:" + modelAlias, "scope:" + scopeId));
        metadata.put("octoagent_task_id", taskId);
        metadata.put("octoagent_model_alias", modelAlias);
        metadata.put("octoagent_scope_id", scopeId);
        metadata.put("trace_id", traceId);
        return metadata;
    }
}
