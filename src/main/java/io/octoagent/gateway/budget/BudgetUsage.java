package io.octoagent.gateway.budget;

/** What one allowance has spent and holds reserved, in nano-dollars. */
public record BudgetUsage(long spentNanos, long reservedNanos) {

    public static final BudgetUsage NONE = new BudgetUsage(0, 0);

    public long committedNanos() {
        return spentNanos + reservedNanos;
    }
}
