package io.octoagent.gateway.task;

/** What the owner submitted: kept so a task can be (re)run after a restart. */
public record TaskInput(String taskId, String text, String textSha256, String modelAlias, String senderName) {
}
