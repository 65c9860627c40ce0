package io.octoagent.gateway.task;

import io.octoagent.gateway.config.ServiceSettings;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.subscription.Cancellable;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Decides when an acknowledged task runs. At most {@code OCTOAGENT_LLM_MAX_CONCURRENCY} tasks are
 * processed at once (so at most that many proxy calls are in flight, each with a pooled
 * connection of its own); the others wait, in order, as CREATED tasks in the ledger, and this
 * class only keeps their ids. Tasks arrive from the commit that created them (whatever became of
 * the HTTP request) and from startup recovery, through the same queue. Past
 * {@code OCTOAGENT_MAX_BACKLOG} waiting tasks, submissions are refused rather than acknowledged.
 */
@ApplicationScoped
public class TaskDispatcher implements TaskIntake {

    private final TaskPipeline pipeline;
    private final TaskLeases leases;
    private final int maxConcurrency;
    private final int maxBacklog;

    private final ArrayDeque<Queued> waiting = new ArrayDeque<>();
    private final Set<String> waitingIds = new HashSet<>();
    private final Map<String, Run> running = new HashMap<>();
    private final DrainRate drained = new DrainRate();
    private boolean dispatching = true;

    public TaskDispatcher(TaskPipeline pipeline, TaskLeases leases, ServiceSettings settings) {
        this.pipeline = pipeline;
        this.leases = leases;
        this.maxConcurrency = settings.maxConcurrency();
        this.maxBacklog = settings.maxBacklog();
    }

    /** A waiting task and the trace it continues. */
    private record Queued(String taskId, String traceParent) {
    }

    /** Queues a task for processing (a task already queued or running is left as it is). */
    @Override
    public void enqueue(String taskId, String traceParent) {
        synchronized (this) {
            if (running.containsKey(taskId) || !waitingIds.add(taskId)) {
                return;
            }
            waiting.add(new Queued(taskId, traceParent));
        }
        dispatch();
    }

    /** Queues a task found in the ledger at startup (its submission's trace is known only by id). */
    public void enqueue(String taskId) {
        enqueue(taskId, null);
    }

    /** Refuses a new task while the backlog is full; called inside the creating transaction. */
    @Override
    public void checkRoom() {
        int backlog = backlog();
        if (backlog >= maxBacklog) {
            throw new BacklogFullException(backlog, retryAfterSeconds(backlog));
        }
    }

    /** Stops a task's work: takes it out of the queue, or cancels its run (its model call included). */
    public void abort(String taskId) {
        Run run;
        synchronized (this) {
            if (waitingIds.remove(taskId)) {
                waiting.removeIf(queued -> queued.taskId().equals(taskId));
                return;
            }
            run = running.get(taskId);
        }
        if (run != null) {
            run.cancel();
        }
    }

    /**
     * Starts no further task (a graceful shutdown): the waiting ones stay CREATED for the next
     * start, or for another replica; their ids are returned, and this process no longer holds them.
     */
    public synchronized List<String> stopDispatching() {
        dispatching = false;
        List<String> left = waiting.stream().map(Queued::taskId).toList();
        waiting.clear();
        waitingIds.clear();
        return left;
    }

    /**
     * Stops all running work without recording an outcome (used when the shutdown grace ran
     * out): the tasks stay RUNNING and are resumed at the next start, rather than being answered
     * by a fallback because the proxy connection closed under them.
     */
    public int abortAll() {
        List<Run> runs;
        synchronized (this) {
            dispatching = false;
            runs = List.copyOf(running.values());
        }
        runs.forEach(Run::cancel);
        return runs.size();
    }

    /** Waits (blocking) until no task runs or {@code timeout} passes; true when idle. */
    public boolean awaitIdle(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (inflight() > 0 && System.nanoTime() < deadline) {
            try {
                TimeUnit.MILLISECONDS.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return inflight() == 0;
    }

    /** Tasks acknowledged and waiting for a slot. */
    public synchronized int backlog() {
        return waiting.size();
    }

    /** Every task this process holds: waiting or running. */
    public synchronized List<String> heldTaskIds() {
        List<String> held = new ArrayList<>(waitingIds);
        held.addAll(running.keySet());
        return held;
    }

    /** How many more tasks this process can take without queueing: free slots under the concurrency limit. */
    public synchronized int room() {
        return dispatching ? Math.max(0, maxConcurrency - running.size() - waiting.size()) : 0;
    }

    /** Tasks being processed right now. */
    public synchronized int inflight() {
        return running.size();
    }

    public int maxConcurrency() {
        return maxConcurrency;
    }

    public int maxBacklog() {
        return maxBacklog;
    }

    private void dispatch() {
        while (true) {
            Run run;
            synchronized (this) {
                if (!dispatching || running.size() >= maxConcurrency || waiting.isEmpty()) {
                    return;
                }
                Queued next = waiting.poll();
                waitingIds.remove(next.taskId());
                run = new Run(next.taskId(), next.traceParent());
                running.put(next.taskId(), run);
            }
            run.start();
        }
    }

    private void finished(Run run) {
        synchronized (this) {
            running.remove(run.taskId, run);
        }
        leases.release(List.of(run.taskId));
        drained.count();
        dispatch();
    }

    /** A generous guess of when a slot in the backlog frees: the backlog over the recent drain rate. */
    private long retryAfterSeconds(int backlog) {
        double perSecond = drained.perSecond();
        long seconds = perSecond <= 0 ? 30 : (long) Math.ceil((backlog - maxBacklog + 1) / perSecond);
        return Math.max(1, Math.min(60, seconds));
    }

    /** One task's processing, cancellable from the moment it is started. */
    private final class Run {
        private final String taskId;
        private final String traceParent;
        private Cancellable subscription;
        private boolean cancelled;

        Run(String taskId, String traceParent) {
            this.taskId = taskId;
            this.traceParent = traceParent;
        }

        void start() {
            Cancellable started = pipeline.process(taskId, traceParent)
                    .onTermination().invoke(() -> finished(this))
                    .subscribe().with(
                            ignored -> {
                            },
                            failure -> Log.errorf(failure, "Task %s processing ended with an error", taskId));
            boolean cancelNow;
            synchronized (this) {
                subscription = started;
                cancelNow = cancelled;
            }
            if (cancelNow) {
                started.cancel();
            }
        }

        void cancel() {
            Cancellable started;
            synchronized (this) {
                cancelled = true;
                started = subscription;
            }
            if (started != null) {
                started.cancel();
            }
        }
    }

    /** Completions per second over the last few seconds, for Retry-After. */
    private static final class DrainRate {
        private static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(5);
        private long windowStart = System.nanoTime();
        private long inWindow;
        private double lastRate;

        synchronized void count() {
            roll();
            inWindow++;
        }

        synchronized double perSecond() {
            roll();
            double elapsed = (System.nanoTime() - windowStart) / 1e9;
            return elapsed >= 1 ? inWindow / elapsed : lastRate;
        }

        private void roll() {
            long now = System.nanoTime();
            if (now - windowStart >= WINDOW_NANOS) {
                lastRate = inWindow / ((now - windowStart) / 1e9);
                windowStart = now;
                inWindow = 0;
            }
        }
    }
}
