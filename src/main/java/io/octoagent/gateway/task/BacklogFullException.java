package io.octoagent.gateway.task;

/** Too many acknowledged tasks wait for a slot: a new one is refused (429) instead of waiting long. */
public class BacklogFullException extends RuntimeException {

    private final long retryAfterSeconds;

    public BacklogFullException(int backlog, long retryAfterSeconds) {
        super(backlog + " tasks are waiting to start; retry in " + retryAfterSeconds + " s");
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
