package io.octoagent.gateway.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TaskStatusTest {

    @Test
    void onlyTheDocumentedMovesAreLegal() {
        Set<String> legal = Set.of("CREATED>RUNNING", "CREATED>CANCELLED", "RUNNING>SUCCEEDED", "RUNNING>FAILED",
                "RUNNING>CANCELLED", "RUNNING>REJECTED");
        int count = 0;
        for (TaskStatus from : TaskStatus.values()) {
            for (TaskStatus to : TaskStatus.values()) {
                boolean expected = legal.contains(from + ">" + to);
                assertEquals(expected, from.canMoveTo(to), from + " -> " + to);
                count += expected ? 1 : 0;
            }
        }
        assertEquals(6, count);
    }

    @Test
    void terminalStatesNeverMove() {
        for (TaskStatus terminal : EnumSet.of(TaskStatus.SUCCEEDED, TaskStatus.FAILED, TaskStatus.CANCELLED,
                TaskStatus.REJECTED)) {
            assertTrue(terminal.isTerminal());
            for (TaskStatus to : TaskStatus.values()) {
                assertFalse(terminal.canMoveTo(to));
            }
        }
        assertFalse(TaskStatus.RUNNING.isTerminal());
    }

    @Test
    void parsesOnlyExactNames() {
        assertEquals(TaskStatus.RUNNING, TaskStatus.parse("RUNNING"));
        assertNull(TaskStatus.parse("running"));
        assertNull(TaskStatus.parse("DONE"));
    }
}
