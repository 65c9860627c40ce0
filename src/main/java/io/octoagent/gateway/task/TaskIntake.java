package io.octoagent.gateway.task;

/** Who takes a task once the ledger created it: asked for room inside the transaction, told after the commit. */
public interface TaskIntake {

    /** Records tasks without processing them (tools and tests that build a ledger by hand). */
    TaskIntake RECORD_ONLY = new TaskIntake() {
        @Override
        public void checkRoom() {
        }

        @Override
        public void enqueue(String taskId, String traceParent) {
        }
    };

    /** Throws (e.g. {@link BacklogFullException}) to refuse a new task; runs inside the creating transaction. */
    void checkRoom();

    /** The task's creation committed; {@code traceParent} is the trace it continues (or null). */
    void enqueue(String taskId, String traceParent);
}
