package io.octoagent.gateway.task;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.octoagent.gateway.artifact.Artifact;
import io.octoagent.gateway.artifact.ArtifactStore;
import io.octoagent.gateway.budget.Admission;
import io.octoagent.gateway.budget.Budget;
import io.octoagent.gateway.budget.BudgetGate;
import io.octoagent.gateway.budget.CallFacts;
import io.octoagent.gateway.budget.CallQuote;
import io.octoagent.gateway.budget.Usd;
import io.octoagent.gateway.common.Json;
import io.octoagent.gateway.event.Actor;
import io.octoagent.gateway.event.BudgetExceededPayload;
import io.octoagent.gateway.event.ErrorPayload;
import io.octoagent.gateway.event.Event;
import io.octoagent.gateway.event.EventPayload;
import io.octoagent.gateway.event.EventStore;
import io.octoagent.gateway.event.EventType;
import io.octoagent.gateway.event.ModelCallCompletedPayload;
import io.octoagent.gateway.event.ModelCallFailedPayload;
import io.octoagent.gateway.event.ModelCallStartedPayload;
import io.octoagent.gateway.event.UserMessagePayload;
import io.octoagent.gateway.metrics.TaskMetrics;
import io.octoagent.gateway.provider.CallAttribution;
import io.octoagent.gateway.provider.CallPricing;
import io.octoagent.gateway.provider.ChatMessage;
import io.octoagent.gateway.provider.LlmService;
import io.octoagent.gateway.provider.ModelCallException;
import io.octoagent.gateway.provider.ModelCallResult;
import io.octoagent.gateway.provider.ProxyRoute;
import io.octoagent.gateway.store.Store;
import io.octoagent.gateway.store.StoreUnavailableException;
import io.octoagent.gateway.tracing.TaskTracing;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Runs a task after it was acknowledged: CREATED → RUNNING, the request stored as an artifact,
 * the model called, the answer stored, RUNNING → SUCCEEDED (or FAILED). Each step is one
 * transaction; a cancelled task refuses further steps, and cancelling the returned work also
 * stops the call. Every step also confirms this process still holds the task's lease. When a
 * task runs is the {@link TaskDispatcher}'s decision.
 */
@ApplicationScoped
public class TaskPipeline {

    static final String REQUEST_ARTIFACT = "llm-request";
    static final String RESPONSE_ARTIFACT = "llm-response";
    private static final Duration FIRST_STEP_BACKOFF = Duration.ofMillis(100);
    private static final Duration MAX_STEP_BACKOFF = Duration.ofSeconds(5);

    private final Store store;
    private final TaskStore tasks;
    private final EventStore events;
    private final TaskLedger ledger;
    private final ArtifactStore artifacts;
    private final LlmService llm;
    private final ObjectMapper mapper;
    private final TaskMetrics metrics;
    private final TaskTracing tracing;
    private final BudgetGate budgets;
    private final CallPricing pricingOf;

    public TaskPipeline(Store store, TaskStore tasks, EventStore events, TaskLedger ledger,
                        ArtifactStore artifacts, LlmService llm, ObjectMapper mapper, TaskMetrics metrics,
                        TaskTracing tracing, BudgetGate budgets, CallPricing pricingOf) {
        this.store = store;
        this.tasks = tasks;
        this.events = events;
        this.ledger = ledger;
        this.artifacts = artifacts;
        this.llm = llm;
        this.mapper = mapper;
        this.metrics = metrics;
        this.tracing = tracing;
        this.budgets = budgets;
        this.pricingOf = pricingOf;
    }

    /** What one run of a task carries from step to step; {@code trace} holds the run's span. */
    record TaskRun(String taskId, String traceId, String modelAlias, String runtimeGroup, List<ChatMessage> messages,
                   CallAttribution attribution, CallFacts facts, Context trace, long startNanos) {
        Duration elapsed() {
            return Duration.ofNanos(System.nanoTime() - startNanos);
        }
    }

    /**
     * Processes a task from where it stands: a CREATED task from the start, a RUNNING one (left
     * by a previous process) after closing its dangling call; a finished one not at all. The run
     * is a span of the trace the task was submitted in ({@code traceParent}, when still known).
     */
    public Uni<Void> process(String taskId, String traceParent) {
        return load(taskId, traceParent == null).chain(loaded -> {
            TaskStatus status = loaded == null ? null : loaded.task().status();
            if (status != TaskStatus.CREATED && status != TaskStatus.RUNNING) {
                return Uni.createFrom().voidItem();
            }
            Context parent = TaskTracing.parentOf(traceParent, loaded.traceId());
            return tracing.inSpan("octoagent.task", SpanKind.INTERNAL, parent, span -> span
                            .setAttribute("octoagent.task_id", taskId)
                            .setAttribute("octoagent.model_alias", loaded.input().modelAlias())
                            .setAttribute("octoagent.resumed", status == TaskStatus.RUNNING),
                    trace -> status == TaskStatus.CREATED ? run(loaded, trace) : resumeRunning(loaded, trace));
        });
    }

    private Uni<Void> run(Loaded loaded, Context trace) {
        String taskId = loaded.task().taskId();
        return step("start", trace, () -> ledger.workerStep(taskId, step -> step.transition(
                        TaskStatus.RUNNING, "processing started", Actor.KERNEL)))
                .map(started -> newRun(loaded, started.traceId(), trace))
                .chain(this::callModel)
                .onFailure(TaskNotActiveException.class).recoverWithNull();
    }

    private Uni<Void> resumeRunning(Loaded loaded, Context trace) {
        String taskId = loaded.task().taskId();
        return step("resume", trace, () -> ledger.workerStep(taskId, step -> {
                    closeInterruptedCall(step, loaded.input());
                    return newRun(loaded, step.traceId(), trace);
                }))
                .invoke(run -> TaskLog.info(taskId, run.traceId(), "Resuming task interrupted by a restart"))
                .chain(this::callModel)
                .onFailure(TaskNotActiveException.class).recoverWithNull();
    }

    private Uni<Void> callModel(TaskRun run) {
        return quote(run)
                .chain(quotes -> step("record_request", run.trace(), () -> recordRequest(run, quotes)))
                .chain(admission -> admission.allowed()
                        ? callAndRecordOutcome(run, admission.quote()).replaceWithVoid()
                        : rejected(run, admission))
                .onFailure(TaskNotActiveException.class).recoverWithNull()
                .onFailure().recoverWithUni(failure -> failUnexpectedly(run, failure));
    }

    private Uni<Void> rejected(TaskRun run, Admission admission) {
        metrics.finished(TaskStatus.REJECTED, run.elapsed());
        TaskLog.info(run.taskId(), run.traceId(), "Task rejected: budget %s (%s)", admission.refusal().budget(),
                admission.refusal().reason());
        return Uni.createFrom().voidItem();
    }

    /** The model call, then its answer or its failure, recorded; only the call's own failure counts as one. */
    private Uni<Event> callAndRecordOutcome(TaskRun run, CallQuote quote) {
        long start = System.nanoTime();
        return llm.call(run.modelAlias(), quote.runtimeGroup(), quote.maxTokens(), run.messages(), run.attribution())
                .onItemOrFailure().transformToUni((result, failure) -> failure == null
                        ? step("record_answer", run.trace(), () -> recordAnswer(run, result))
                        : step("record_failure", run.trace(), () -> recordFailure(run, failure, elapsedMs(start))));
    }

    /** One step of the run, committed {@link #durably}, as a span of the run. */
    private <T> Uni<T> step(String name, Context trace, Supplier<Uni<? extends T>> body) {
        return tracing.inSpan("octoagent.task." + name, trace, ignored -> durably(body));
    }

    /**
     * Runs a step again while the store refuses commits (a full disk, say), backing off up to
     * {@link #MAX_STEP_BACKOFF}: an answer already paid for is recorded once the store works
     * again, never asked for twice, and the task is never left RUNNING by a failed write.
     * Cancelling the task's work (or the shutdown closing the store) ends the retries.
     */
    private <T> Uni<T> durably(Supplier<Uni<? extends T>> step) {
        return Uni.createFrom().<T>deferred(step)
                .onFailure(this::storeRefused).invoke(failure -> Log.warnf(
                        "A task step could not be committed (%s); retrying", failure.getMessage()))
                .onFailure(this::storeRefused).retry().withBackOff(FIRST_STEP_BACKOFF, MAX_STEP_BACKOFF).indefinitely();
    }

    private boolean storeRefused(Throwable failure) {
        return failure instanceof StoreUnavailableException && store.isOpen();
    }

    /** What the call may cost at worst, and its downgrades, priced only when a budget applies to it. */
    private record Quotes(CallQuote requested, Map<String, CallQuote> downgrades) {
    }

    private Uni<Quotes> quote(TaskRun run) {
        List<Budget> budgets = this.budgets.applicable(run.facts());
        if (budgets.isEmpty()) {
            return Uni.createFrom().item(new Quotes(new CallQuote(run.runtimeGroup(),
                    llm.maxTokens(run.modelAlias()), null), Map.of()));
        }
        List<String> targets = budgets.stream().filter(Budget::downgrades).map(Budget::downgradeTo).distinct()
                .collect(Collectors.toList());
        List<Uni<CallQuote>> pricing = new ArrayList<>();
        pricing.add(pricingOf.quote(run.modelAlias(), run.modelAlias(), run.messages()));
        targets.forEach(target -> pricing.add(pricingOf.quote(target, run.modelAlias(), run.messages())));
        return Uni.join().all(pricing).andFailFast().map(quotes -> {
            Map<String, CallQuote> downgrades = new HashMap<>();
            for (int i = 0; i < targets.size(); i++) {
                downgrades.put(targets.get(i), quotes.get(i + 1));
            }
            return new Quotes(quotes.get(0), downgrades);
        });
    }

    /**
     * The request artifact, then — in the same transaction — the budgets' decision: the call's
     * reservations with its MODEL_CALL_STARTED, or BUDGET_EXCEEDED and REJECTED without a call.
     */
    private Uni<Admission> recordRequest(TaskRun run, Quotes quotes) {
        String requestJson = Json.write(mapper, Map.of(
                "model_alias", run.modelAlias(), "runtime_group", run.runtimeGroup(), "messages", run.messages()));
        return artifacts.prepare(run.taskId(), REQUEST_ARTIFACT, "messages sent to the model", "json",
                        "application/json", requestJson)
                .chain(prepared -> ledger.workerStep(run.taskId(), step -> {
                    artifacts.record(step, prepared);
                    Artifact artifact = prepared.artifact();
                    Admission admission = budgets.admit(step.connection(), step::afterCommit, run.facts(),
                            run.modelAlias(), quotes.requested(), quotes.downgrades());
                    if (!admission.allowed()) {
                        BudgetExceededPayload refusal = admission.refusal();
                        step.append(EventType.BUDGET_EXCEEDED, Actor.KERNEL, refusal);
                        step.transition(TaskStatus.REJECTED, "budget " + refusal.budget() + ": " + refusal.reason(),
                                Actor.KERNEL);
                        return admission;
                    }
                    CallQuote quote = admission.quote();
                    step.append(EventType.MODEL_CALL_STARTED, Actor.WORKER, new ModelCallStartedPayload(
                            run.modelAlias(), quote.runtimeGroup(), requestSummary(run), artifact.artifactId(),
                            quote.maxTokens(), quote.priced() ? Usd.dollars(quote.worstNanos()) : null,
                            admission.reservations(), admission.downgradedBy(), admission.downgradedFrom(),
                            admission.unpricedAllowed() ? "allowed" : null));
                    return admission;
                }).onFailure().call(() -> artifacts.discard(prepared)));
    }

    private Uni<Event> recordAnswer(TaskRun run, ModelCallResult result) {
        ResponseSummary summary = ResponseSummary.of(result.content());
        return artifacts.prepare(run.taskId(), RESPONSE_ARTIFACT, "the model's answer", "text", "text/plain",
                        result.content())
                .chain(prepared -> {
                    EventPayload completed = EventPayload.of(mapper, completedPayload(result, summary,
                            prepared.artifact(), run.runtimeGroup()));
                    return ledger.workerStep(run.taskId(), step -> {
                        artifacts.record(step, prepared);
                        step.append(EventType.MODEL_CALL_COMPLETED, Actor.WORKER, completed);
                        return step.transition(TaskStatus.SUCCEEDED, "model call completed", Actor.KERNEL);
                    }).onFailure().call(() -> artifacts.discard(prepared));
                })
                .invoke(() -> metrics.finished(TaskStatus.SUCCEEDED, run.elapsed()))
                .invoke(() -> TaskLog.info(run.taskId(), run.traceId(),
                        "Task succeeded: model=%s provider=%s cost_usd=%s fallback=%s", result.modelName(),
                        result.provider(), result.costUsd(), result.isFallback()));
    }

    private Uni<Event> recordFailure(TaskRun run, Throwable failure, long elapsedMs) {
        if (failure instanceof TaskNotActiveException) {
            return Uni.createFrom().failure(failure);
        }
        ModelCallFailedPayload payload = failedPayload(run, failure, elapsedMs);
        EventPayload failed = EventPayload.of(mapper, payload);
        TaskLog.warn(run.taskId(), run.traceId(), "Model call failed: %s", payload.errorMessage());
        return ledger.workerStep(run.taskId(), step -> {
            step.append(EventType.MODEL_CALL_FAILED, Actor.WORKER, failed);
            return step.transition(TaskStatus.FAILED, "model call failed: " + payload.errorMessage(), Actor.KERNEL);
        }).invoke(() -> metrics.finished(TaskStatus.FAILED, run.elapsed()));
    }

    /** Last resort for failures outside the model call (e.g. the disk): fail the task visibly. */
    private Uni<Void> failUnexpectedly(TaskRun run, Throwable failure) {
        Log.errorf(failure, "Task %s stopped by an unexpected failure", run.taskId());
        return ledger.workerStep(run.taskId(), step -> {
                    step.append(EventType.ERROR, Actor.SYSTEM, new ErrorPayload("system",
                            failure.getClass().getSimpleName() + ": " + failure.getMessage(), true,
                            "resubmit the task; details are in the service log"));
                    return step.transition(TaskStatus.FAILED, "internal error", Actor.SYSTEM);
                })
                .invoke(() -> metrics.finished(TaskStatus.FAILED, run.elapsed()))
                .onFailure().invoke(again -> Log.errorf("Task %s could not be marked FAILED: %s; it resumes at next start",
                        run.taskId(), again.getMessage()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    /** Closes a MODEL_CALL_STARTED left without an outcome by a crash. */
    private void closeInterruptedCall(TaskStep step, TaskInput input) throws SQLException {
        List<Event> history = events.listByTask(step.connection(), step.taskId());
        Event lastCall = null;
        for (Event event : history) {
            if (event.type() == EventType.MODEL_CALL_STARTED) {
                lastCall = event;
            } else if (event.type() == EventType.MODEL_CALL_COMPLETED || event.type() == EventType.MODEL_CALL_FAILED) {
                lastCall = null;
            }
        }
        if (lastCall != null) {
            long interruptedMs = Math.max(0, System.currentTimeMillis()
                    - Instant.parse(lastCall.ts()).toEpochMilli());
            step.append(EventType.MODEL_CALL_FAILED, Actor.SYSTEM, new ModelCallFailedPayload(input.modelAlias(), "",
                    "", "interrupted", "the service stopped during the call; calling again", interruptedMs, false,
                    null));
        }
    }

    /**
     * What a run needs of the ledger: the task (its status decides the path), its submitted input
     * and — when the submission's trace context is not at hand (a resumed task) — the trace its
     * events carry.
     */
    private record Loaded(TaskInput input, Task task, String traceId) {
    }

    /** One read for all three (the trace id only if {@code withTraceId}); null when the task does not exist. */
    private Uni<Loaded> load(String taskId, boolean withTraceId) {
        return store.read(connection -> {
            Task task = tasks.find(connection, taskId).orElse(null);
            return task == null ? null : new Loaded(
                    tasks.input(connection, taskId).orElseThrow(() -> new TaskNotFoundException(taskId)), task,
                    withTraceId ? tasks.traceId(connection, taskId).orElse(null) : null);
        });
    }

    private TaskRun newRun(Loaded loaded, String traceId, Context trace) {
        TaskInput input = loaded.input();
        Task task = loaded.task();
        return new TaskRun(input.taskId(), traceId, input.modelAlias(), llm.runtimeGroup(input.modelAlias()),
                List.of(ChatMessage.user(input.text())), new CallAttribution(task.taskId(),
                task.requester().senderId(), input.modelAlias(), task.scopeId(), traceId, trace),
                new CallFacts(task.taskId(), task.requester().senderId(), task.requester().channel(), task.threadId()),
                trace, System.nanoTime());
    }

    private static String requestSummary(TaskRun run) {
        return UserMessagePayload.of(ChatMessage.lastUserContent(run.messages())).textPreview();
    }

    private static ModelCallCompletedPayload completedPayload(ModelCallResult result, ResponseSummary summary,
                                                              Artifact artifact, String runtimeGroup) {
        ProxyRoute route = result.route() != null ? result.route() : ProxyRoute.notServed(runtimeGroup);
        return new ModelCallCompletedPayload(result.modelAlias(), result.modelName(), result.provider(),
                summary.text(), summary.truncated(), result.durationMs(), result.tokenUsage(), result.costUsd(),
                result.costUnavailable(), result.costSource().wire(), result.isFallback(), result.fallbackReason(),
                artifact.artifactId(), route.requestedGroup(), route.servedGroup(), route.proxyFallback(),
                route.attemptedRetries(), route.callId());
    }

    private static ModelCallFailedPayload failedPayload(TaskRun run, Throwable failure, long elapsedMs) {
        if (failure instanceof ModelCallException) {
            ModelCallException error = (ModelCallException) failure;
            return new ModelCallFailedPayload(run.modelAlias(), error.modelName(), error.provider(), error.errorType(),
                    error.getMessage(), error.durationMs(), error.isFallback(), error.timeoutS());
        }
        return new ModelCallFailedPayload(run.modelAlias(), "", "", "unexpected",
                failure.getClass().getSimpleName() + ": " + failure.getMessage(), elapsedMs, false, null);
    }

    private static long elapsedMs(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
