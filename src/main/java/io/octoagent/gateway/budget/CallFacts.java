package io.octoagent.gateway.budget;

/** What decides which budgets a model call is charged to. */
public record CallFacts(String taskId, String owner, String channel, String threadId) {
}
