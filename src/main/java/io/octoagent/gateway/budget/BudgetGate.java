package io.octoagent.gateway.budget;

import io.octoagent.gateway.event.BudgetExceededPayload;
import io.octoagent.gateway.store.SqlDialect;
import io.octoagent.gateway.store.Store;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Decides, inside the transaction that will record MODEL_CALL_STARTED, whether a call fits every
 * budget that applies to it: its worst case on top of what each allowance has spent and holds
 * reserved must stay within the limit. Each allowance is locked before it is read (SQLite's
 * single writer runs these checks one at a time anyway; on PostgreSQL, calls from every replica
 * take turns), and the reservation is written by the same transaction, so concurrent calls can
 * never jointly overshoot. A call whose worst case is $0 is never refused.
 */
@ApplicationScoped
public class BudgetGate {

    private final BudgetSettings settings;
    private final BudgetClock clock;
    private final BudgetMetrics metrics;
    private final SqlDialect dialect;

    public BudgetGate(BudgetSettings settings, BudgetClock clock, BudgetMetrics metrics, Store store) {
        this.settings = settings;
        this.clock = clock;
        this.metrics = metrics;
        this.dialect = store.dialect();
    }

    /** The budgets charged for a call of {@code call}, in configuration order. */
    public List<Budget> applicable(CallFacts call) {
        List<Budget> applicable = new ArrayList<>();
        for (Budget budget : settings.budgets()) {
            if (budget.appliesTo(call)) {
                applicable.add(budget);
            }
        }
        return applicable;
    }

    /**
     * Admits {@code quote}, or the quote of the downgrade target ({@code downgrades}, by target
     * name) of the first budget it does not fit, or refuses the call. Runs on the writer;
     * metrics and the soft-threshold warning are handed to {@code afterCommit}, so a decision the
     * store did not commit is never counted.
     */
    public Admission admit(Connection connection, Consumer<Runnable> afterCommit, CallFacts call, String modelAlias,
                           CallQuote quote, Map<String, CallQuote> downgrades) throws SQLException {
        List<Budget> budgets = applicable(call);
        if (budgets.isEmpty()) {
            return new Admission(quote, List.of(), null, null, false, null);
        }
        Instant now = clock.now();
        List<Allowance> allowances = new ArrayList<>();
        for (Budget budget : budgets) {
            BudgetKey key = key(budget, call, now);
            // Always in configuration order, so two calls sharing allowances never wait on each other in a cycle.
            dialect.lock(connection, "budget:" + key.budget() + ":" + key.scopeValue() + ":" + key.periodStart());
            allowances.add(new Allowance(budget, key, BudgetProjection.usage(connection, key)));
        }
        Shortfall shortfall = shortfall(allowances, quote);
        if (shortfall == null) {
            return admitted(allowances, afterCommit, quote, null, null);
        }
        Budget first = shortfall.allowance().budget();
        if (first.downgrades() && shortfall.reason().equals("exhausted")) {
            CallQuote cheaper = downgrades.get(first.downgradeTo());
            if (cheaper != null && shortfall(allowances, cheaper) == null) {
                afterCommit.accept(() -> metrics.downgraded(first.name()));
                return admitted(allowances, afterCommit, cheaper, first.name(), quote.runtimeGroup());
            }
        }
        afterCommit.accept(() -> metrics.rejected(first.name()));
        return new Admission(quote, List.of(), null, null, false, refusal(shortfall, call, modelAlias, quote, now));
    }

    /** Which allowance cannot hold the call's worst case (null: all can). */
    private Shortfall shortfall(List<Allowance> allowances, CallQuote quote) {
        if (!quote.priced()) {
            return settings.allowUnpriced() ? null : new Shortfall(allowances.get(0), "unpriced");
        }
        if (quote.worstNanos() == 0) {
            return null;
        }
        for (Allowance allowance : allowances) {
            if (allowance.usage().committedNanos() + quote.worstNanos() > allowance.budget().limitNanos()) {
                return new Shortfall(allowance, "exhausted");
            }
        }
        return null;
    }

    private Admission admitted(List<Allowance> allowances, Consumer<Runnable> afterCommit, CallQuote quote,
                               String downgradedBy, String downgradedFrom) {
        long amount = quote.priced() ? quote.worstNanos() : 0;
        List<Reservation> reservations = new ArrayList<>();
        for (Allowance allowance : allowances) {
            Budget budget = allowance.budget();
            BudgetKey key = allowance.key();
            reservations.add(new Reservation(key.budget(), key.scopeValue(), key.periodStart(), Usd.dollars(amount)));
            if (amount > 0) {
                afterCommit.accept(() -> metrics.reserved(budget.name()));
            }
            long before = allowance.usage().committedNanos();
            if (before < budget.softNanos() && before + amount >= budget.softNanos()) {
                afterCommit.accept(() -> metrics.softThresholdCrossed(budget, key, before + amount));
            }
        }
        return new Admission(quote, reservations, downgradedBy, downgradedFrom, !quote.priced(), null);
    }

    private BudgetExceededPayload refusal(Shortfall shortfall, CallFacts call, String modelAlias, CallQuote quote,
                                          Instant now) {
        Budget budget = shortfall.allowance().budget();
        Instant resets = budget.period().resetsAt(now);
        BudgetUsage usage = shortfall.allowance().usage();
        return new BudgetExceededPayload(budget.name(), budget.scope().wire(), shortfall.allowance().key().scopeValue(),
                budget.period().wire(), Usd.dollars(budget.limitNanos()), Usd.dollars(usage.spentNanos()),
                Usd.dollars(usage.reservedNanos()),
                quote.priced() ? Usd.dollars(quote.worstNanos()) : null, shortfall.reason(), budget.onExhausted(),
                resets == null ? null : resets.toString(), modelAlias, quote.runtimeGroup());
    }

    static BudgetKey key(Budget budget, CallFacts call, Instant now) {
        return new BudgetKey(budget.name(), budget.scope().valueOf(call), budget.period().start(now).toString());
    }

    /** One budget's allowance for this call, as the projection has it now. */
    private record Allowance(Budget budget, BudgetKey key, BudgetUsage usage) {
    }

    private record Shortfall(Allowance allowance, String reason) {
    }
}
