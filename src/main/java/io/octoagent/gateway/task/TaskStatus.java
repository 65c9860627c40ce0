package io.octoagent.gateway.task;

import java.util.EnumSet;
import java.util.Set;

/**
 * Task lifecycle. A running task ends SUCCEEDED, FAILED, CANCELLED or REJECTED (a budget refused
 * its model call); QUEUED, WAITING_* and PAUSED are reserved for later features.
 */
public enum TaskStatus {
    CREATED, QUEUED, RUNNING, WAITING_INPUT, WAITING_APPROVAL, PAUSED, SUCCEEDED, FAILED, CANCELLED, REJECTED;

    private static final Set<TaskStatus> TERMINAL = EnumSet.of(SUCCEEDED, FAILED, CANCELLED, REJECTED);

    public boolean isTerminal() {
        return TERMINAL.contains(this);
    }

    public boolean canMoveTo(TaskStatus next) {
        switch (this) {
            case CREATED:
                return next == RUNNING || next == CANCELLED;
            case RUNNING:
                return next == SUCCEEDED || next == FAILED || next == CANCELLED || next == REJECTED;
            default:
                return false;
        }
    }

    /** Parses a status name, or returns null when it is not one. */
    public static TaskStatus parse(String value) {
        for (TaskStatus status : values()) {
            if (status.name().equals(value)) {
                return status;
            }
        }
        return null;
    }
}
