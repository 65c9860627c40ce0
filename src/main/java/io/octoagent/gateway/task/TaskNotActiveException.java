package io.octoagent.gateway.task;

/** A write was refused because the task already reached a terminal state (e.g. it was cancelled). */
public class TaskNotActiveException extends RuntimeException {
    private final TaskStatus status;

    public TaskNotActiveException(String taskId, TaskStatus status) {
        super("task " + taskId + " is already " + status);
        this.status = status;
    }

    /** Not for a state: the task is still active, but not this process's to write (see {@link LeaseLostException}). */
    protected TaskNotActiveException(String message) {
        super(message);
        this.status = null;
    }

    public TaskStatus status() {
        return status;
    }
}
