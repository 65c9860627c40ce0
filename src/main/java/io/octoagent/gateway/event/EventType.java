package io.octoagent.gateway.event;

public enum EventType {
    TASK_CREATED,
    USER_MESSAGE,
    STATE_TRANSITION,
    MODEL_CALL_STARTED,
    MODEL_CALL_COMPLETED,
    MODEL_CALL_FAILED,
    ARTIFACT_CREATED,
    BUDGET_EXCEEDED,
    ERROR
}
