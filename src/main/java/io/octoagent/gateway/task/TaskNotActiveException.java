package io.octoagent.gateway.task;

/** A write was refused because the task already reached a terminal state (e.g. it was cancelled). */
public class TaskNotActiveException extends RuntimeException {
    private final TaskStatus status;

    public TaskNotActiveException(String taskId, TaskStatus status) {
        super("task " + taskId + " is already " + status);
        this.status = status;
    }

    public TaskStatus status() {
        return status;
    }
}
