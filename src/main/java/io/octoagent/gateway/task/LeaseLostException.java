package io.octoagent.gateway.task;

/** Another replica took the task over (this one stopped renewing its lease): this one writes nothing more. */
public class LeaseLostException extends TaskNotActiveException {
    public LeaseLostException(String taskId) {
        super("task " + taskId + " is now worked by another replica");
    }
}
