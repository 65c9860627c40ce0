package io.octoagent.gateway.task;

/** Result of a submission: the task, and whether this request created it. */
public record Submission(Task task, boolean created) {
}
