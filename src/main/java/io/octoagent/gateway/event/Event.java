package io.octoagent.gateway.event;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** One immutable entry of a task's history. */
@RegisterForReflection
public record Event(
        String eventId,
        String taskId,
        long taskSeq,
        String ts,
        EventType type,
        int schemaVersion,
        Actor actor,
        ObjectNode payload,
        String traceId,
        String spanId,
        Causality causality) {

    public static final int SCHEMA_VERSION = 1;

    public String payloadText(String field) {
        return payload.path(field).asText("");
    }
}
