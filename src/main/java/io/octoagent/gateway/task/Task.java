package io.octoagent.gateway.task;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A task as the API shows it: the projection row of its events. */
@RegisterForReflection
public record Task(
        String taskId,
        String createdAt,
        String updatedAt,
        TaskStatus status,
        String title,
        String threadId,
        String scopeId,
        Requester requester,
        String riskLevel,
        Pointers pointers) {

    @RegisterForReflection
    public record Requester(String channel, String senderId) {
    }

    @RegisterForReflection
    public record Pointers(String latestEventId) {
    }
}
