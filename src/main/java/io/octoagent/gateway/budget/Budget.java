package io.octoagent.gateway.budget;

import java.util.Set;

/**
 * One configured budget: {@code limitNanos} per {@code period}, for everything or for each
 * owner, channel or thread (only the listed {@code values} when there are any). A call that
 * cannot fit is rejected, or sent to {@code downgradeTo} (an alias or runtime group) instead.
 */
public record Budget(String name, BudgetScope scope, Set<String> values, BudgetPeriod period, long limitNanos,
                     int softPercent, String downgradeTo) {

    /** Whether the budget charges this call. */
    public boolean appliesTo(CallFacts call) {
        return values.isEmpty() || scope == BudgetScope.GLOBAL || values.contains(scope.valueOf(call));
    }

    public boolean downgrades() {
        return downgradeTo != null;
    }

    public String onExhausted() {
        return downgradeTo == null ? "reject" : "downgrade:" + downgradeTo;
    }

    /** The spent + reserved amount from which the budget is past its soft threshold. */
    public long softNanos() {
        return limitNanos / 100 * softPercent + limitNanos % 100 * softPercent / 100;
    }
}
