package io.octoagent.gateway.budget;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** One allowance of a budget in the current period, as {@code GET /api/budgets} shows it. */
@RegisterForReflection
public record BudgetStatus(String name, String scope, String scopeValue, String period, String periodStart,
                           double limitUsd, double spentUsd, double reservedUsd, double remainingUsd, String state,
                           int softPercent, String onExhausted, String resetsAt) {
}
