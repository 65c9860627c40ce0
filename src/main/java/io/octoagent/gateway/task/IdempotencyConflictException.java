package io.octoagent.gateway.task;

public class IdempotencyConflictException extends RuntimeException {
    public IdempotencyConflictException(String taskId) {
        super("idempotency_key was already used for task " + taskId + " with a different text");
    }
}
