package io.octoagent.gateway.event;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A model call refused by a budget, before it was made: {@code reason} is {@code exhausted} (the
 * allowance cannot hold {@code neededUsd}, the call's worst case, on top of what is spent and
 * reserved) or {@code unpriced} (the worst case could not be priced and unpriced calls are
 * denied). {@code resetsAt} is when the allowance starts again (null for a total budget).
 */
@RegisterForReflection
public record BudgetExceededPayload(String budget, String scope, String scopeValue, String period, double limitUsd,
                                    double spentUsd, double reservedUsd, Double neededUsd, String reason,
                                    String onExhausted, String resetsAt, String modelAlias, String runtimeGroup) {
}
