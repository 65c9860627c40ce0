package io.octoagent.gateway.budget;

/** One allowance: a budget, for one scope value, in one period. */
public record BudgetKey(String budget, String scopeValue, String periodStart) {
}
