package io.octoagent.gateway.metrics;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.octoagent.gateway.store.CommitListener;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.TimeUnit;

/** Group commits: operations per commit and commit latency (fsync pressure shows up here). */
@ApplicationScoped
public class StoreMetrics implements CommitListener {

    private final DistributionSummary batchSize;
    private final Timer latency;

    public StoreMetrics(MeterRegistry registry) {
        this.batchSize = DistributionSummary.builder("octoagent.store.commit.batch.size")
                .description("Write operations sharing one commit").baseUnit("operations").register(registry);
        this.latency = Timer.builder("octoagent.store.commit.latency")
                .description("Time to run and commit one group of writes (fsync included)").register(registry);
    }

    @Override
    public void committed(int operations, long nanos) {
        batchSize.record(operations);
        latency.record(nanos, TimeUnit.NANOSECONDS);
    }
}
