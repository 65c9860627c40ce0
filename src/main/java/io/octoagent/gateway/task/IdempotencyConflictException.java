package io.octoagent.gateway.task;

public class IdempotencyConflictException extends RuntimeException {
    public IdempotencyConflictException(String taskId) {
        super("idempotency_key was already used for your task " + taskId + " with a different message (text, "
                + "model_alias, channel or thread_id)");
    }
}
