package io.octoagent.gateway.task;

public class TaskNotFoundException extends RuntimeException {
    public TaskNotFoundException(String taskId) {
        super("task " + taskId + " does not exist");
    }
}
