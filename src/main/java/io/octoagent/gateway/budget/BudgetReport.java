package io.octoagent.gateway.budget;

import io.octoagent.gateway.access.Caller;
import io.octoagent.gateway.store.Store;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where each budget stands in its current period: every allowance for an admin; for an owner,
 * the allowances its own calls are charged to. The same figures feed the budget gauges, refreshed
 * every few seconds from the projection.
 */
@Startup
@ApplicationScoped
public class BudgetReport {

    static final long METRICS_REFRESH_MS = 5_000;

    private final BudgetSettings settings;
    private final BudgetClock clock;
    private final BudgetMetrics metrics;
    private final Store store;
    private final Vertx vertx;
    private long timer = -1;

    public BudgetReport(BudgetSettings settings, BudgetClock clock, BudgetMetrics metrics, Store store,
                        Vertx vertx) {
        this.settings = settings;
        this.clock = clock;
        this.metrics = metrics;
        this.store = store;
        this.vertx = vertx;
    }

    @PostConstruct
    void refreshMetrics() {
        if (!settings.budgets().isEmpty()) {
            timer = vertx.setPeriodic(METRICS_REFRESH_MS, id -> statuses(Caller.SYSTEM).subscribe().with(
                    statuses -> statuses.forEach(status -> metrics.observe(status.name(), status.scopeValue(),
                            status.remainingUsd(), status.reservedUsd())),
                    failure -> {
                    }));
        }
    }

    @PreDestroy
    void stop() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    public Uni<List<BudgetStatus>> statuses(Caller caller) {
        Instant now = clock.now();
        return store.read(connection -> {
            List<BudgetStatus> statuses = new ArrayList<>();
            for (Budget budget : settings.budgets()) {
                for (String value : scopeValues(connection, budget, caller, now)) {
                    statuses.add(status(connection, budget, value, now));
                }
            }
            return statuses;
        });
    }

    private static Set<String> scopeValues(Connection connection, Budget budget, Caller caller, Instant now)
            throws SQLException {
        Set<String> values = new TreeSet<>();
        if (budget.scope() == BudgetScope.GLOBAL) {
            values.add(BudgetScope.GLOBAL_VALUE);
            return values;
        }
        values.addAll(budget.values());
        values.addAll(BudgetProjection.scopeValues(connection, budget.name(), budget.period().start(now).toString()));
        if (caller.scope() != null) {
            values.retainAll(ownValues(connection, budget.scope(), caller.owner()));
            if (budget.scope() == BudgetScope.OWNER && (budget.values().isEmpty()
                    || budget.values().contains(caller.owner()))) {
                values.add(caller.owner()); // its own allowance, spent or not
            }
        }
        return values;
    }

    /** The owner, channels or threads of an owner's own tasks. */
    private static Set<String> ownValues(Connection connection, BudgetScope scope, String owner) throws SQLException {
        Set<String> own = new TreeSet<>();
        if (scope == BudgetScope.OWNER) {
            own.add(owner);
            return own;
        }
        String column = scope == BudgetScope.CHANNEL ? "channel" : "thread_id";
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT DISTINCT " + column + " FROM tasks WHERE sender_id = ?")) {
            statement.setString(1, owner);
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    own.add(row.getString(1));
                }
            }
        }
        return own;
    }

    private static BudgetStatus status(Connection connection, Budget budget, String value, Instant now)
            throws SQLException {
        String periodStart = budget.period().start(now).toString();
        BudgetUsage usage = BudgetProjection.usage(connection, new BudgetKey(budget.name(), value, periodStart));
        long remaining = Math.max(0, budget.limitNanos() - usage.committedNanos());
        String state = remaining == 0 ? "exhausted" : usage.committedNanos() >= budget.softNanos() ? "soft" : "ok";
        Instant resets = budget.period().resetsAt(now);
        return new BudgetStatus(budget.name(), budget.scope().wire(), value, budget.period().wire(), periodStart,
                Usd.dollars(budget.limitNanos()), Usd.dollars(usage.spentNanos()), Usd.dollars(usage.reservedNanos()),
                Usd.dollars(remaining), state, budget.softPercent(), budget.onExhausted(),
                resets == null ? null : resets.toString());
    }
}
