package io.octoagent.gateway.budget;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.octoagent.gateway.metrics.BoundedTagValues;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Budget metrics: refusals, downgrades, reservations and soft-threshold crossings as counters per
 * budget, and per allowance of the current period the remaining and reserved USD (gauges over
 * the figures {@link BudgetReport} refreshes; scope values capped at 50 per budget name).
 */
@ApplicationScoped
public class BudgetMetrics {

    private final MeterRegistry registry;
    private final BoundedTagValues scopeValues = new BoundedTagValues(50);
    private final Map<String, double[]> allowances = new ConcurrentHashMap<>();

    public BudgetMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void rejected(String budget) {
        count("octoagent.budget.rejections", "Model calls a budget refused", budget);
    }

    void downgraded(String budget) {
        count("octoagent.budget.downgrades", "Model calls a budget sent to a cheaper alias or group", budget);
    }

    void reserved(String budget) {
        count("octoagent.budget.reservations", "Model calls that reserved their worst case on a budget", budget);
    }

    void softThresholdCrossed(Budget budget, BudgetKey key, long committedNanos) {
        count("octoagent.budget.soft.threshold.crossings", "Allowances that went past their soft threshold",
                budget.name());
        Log.warnf("Budget %s (%s %s, period from %s) passed its soft threshold of %d%%: $%s of $%s spent or reserved",
                budget.name(), budget.scope().wire(), key.scopeValue(), key.periodStart(), budget.softPercent(),
                Usd.dollars(committedNanos), Usd.dollars(budget.limitNanos()));
    }

    /** The current figures of one allowance, for the gauges. */
    void observe(String budget, String scopeValue, double remainingUsd, double reservedUsd) {
        String tag = scopeValues.of(scopeValue);
        double[] figures = allowances.computeIfAbsent(budget + '\u0000' + tag, ignored -> {
            double[] created = new double[2];
            Gauge.builder("octoagent.budget.remaining", created, values -> values[0]).baseUnit("usd")
                    .description("USD left in the allowance this period (limit - spent - reserved)")
                    .tag("budget", budget).tag("scope_value", tag).strongReference(true).register(registry);
            Gauge.builder("octoagent.budget.reserved", created, values -> values[1]).baseUnit("usd")
                    .description("USD held by calls in flight").tag("budget", budget).tag("scope_value", tag)
                    .strongReference(true).register(registry);
            return created;
        });
        figures[0] = remainingUsd;
        figures[1] = reservedUsd;
    }

    private void count(String name, String description, String budget) {
        Counter.builder(name).description(description).tag("budget", budget).register(registry).increment();
    }
}
