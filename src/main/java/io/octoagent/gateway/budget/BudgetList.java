package io.octoagent.gateway.budget;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/** {@code GET /api/budgets}. */
@RegisterForReflection
public record BudgetList(List<BudgetStatus> budgets) {
}
