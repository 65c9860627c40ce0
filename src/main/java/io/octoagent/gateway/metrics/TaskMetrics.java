package io.octoagent.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.octoagent.gateway.stream.TaskEventHub;
import io.octoagent.gateway.stream.TaskStreamRoute;
import io.octoagent.gateway.task.TaskDispatcher;
import io.octoagent.gateway.task.TaskStatus;
import io.quarkus.arc.ClientProxy;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/** Task and stream metrics: submitted, finished by status, in flight, pipeline duration, open streams. */
@Startup
@ApplicationScoped
public class TaskMetrics {

    private final MeterRegistry registry;
    private final TaskDispatcher dispatcher;
    private final TaskStreamRoute streams;
    private final TaskEventHub hub;

    public TaskMetrics(MeterRegistry registry, TaskDispatcher dispatcher, TaskStreamRoute streams, TaskEventHub hub) {
        this.registry = registry;
        this.dispatcher = dispatcher;
        this.streams = streams;
        this.hub = hub;
    }

    /**
     * Gauges hold the beans themselves, strongly: not their CDI client proxies (a scrape that
     * races the application's shutdown must read a number, not create a bean again), and not
     * through Micrometer's default weak reference (which a garbage collection may clear).
     */
    @PostConstruct
    void gauges() {
        Gauge.builder("octoagent.tasks.inflight", ClientProxy.unwrap(dispatcher), TaskDispatcher::inflight)
                .description("Tasks being processed right now (at most OCTOAGENT_LLM_MAX_CONCURRENCY)")
                .strongReference(true).register(registry);
        Gauge.builder("octoagent.tasks.backlog", ClientProxy.unwrap(dispatcher), TaskDispatcher::backlog)
                .description("Acknowledged tasks waiting for a processing slot").strongReference(true).register(registry);
        Gauge.builder("octoagent.sse.streams.open", ClientProxy.unwrap(streams), TaskStreamRoute::openStreams)
                .description("Open task event streams").strongReference(true).register(registry);
        Gauge.builder("octoagent.sse.subscribers", ClientProxy.unwrap(hub), TaskEventHub::subscriberCount)
                .description("Live subscriptions to task events").strongReference(true).register(registry);
    }

    public void submitted() {
        Counter.builder("octoagent.tasks.submitted").description("Tasks created").register(registry).increment();
    }

    public void finished(TaskStatus status, Duration pipelineDuration) {
        Counter.builder("octoagent.tasks.finished").description("Tasks that reached a terminal state")
                .tag("status", status.name()).register(registry).increment();
        if (pipelineDuration != null) {
            Timer.builder("octoagent.task.duration").description("From processing start to the terminal state")
                    .tag("status", status.name()).register(registry).record(pipelineDuration);
        }
    }
}
