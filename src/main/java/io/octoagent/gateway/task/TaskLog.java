package io.octoagent.gateway.task;

import io.quarkus.logging.Log;
import org.jboss.logging.MDC;

/**
 * Log lines of task processing carry the task's {@code trace_id} (and task id) as MDC fields,
 * whichever worker thread the pipeline happens to run on.
 */
final class TaskLog {

    private TaskLog() {
    }

    static void info(String taskId, String traceId, String format, Object... args) {
        withContext(taskId, traceId, () -> Log.infof(format, args));
    }

    static void warn(String taskId, String traceId, String format, Object... args) {
        withContext(taskId, traceId, () -> Log.warnf(format, args));
    }

    private static void withContext(String taskId, String traceId, Runnable log) {
        Object previousTrace = MDC.get("trace_id");
        Object previousTask = MDC.get("task_id");
        MDC.put("task_id", taskId);
        if (traceId != null) {
            MDC.put("trace_id", traceId);
        }
        try {
            log.run();
        } finally {
            restore("trace_id", previousTrace);
            restore("task_id", previousTask);
        }
    }

    private static void restore(String key, Object previous) {
        if (previous == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, previous);
        }
    }
}
