package io.octoagent.gateway.budget;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A model call's hold on one budget's allowance ({@code budget}, {@code scope_value},
 * {@code period_start}), recorded in its MODEL_CALL_STARTED event: the worst case it may cost,
 * replaced by the real cost when it completes, released when it fails. A call whose worst case
 * could not be priced holds 0 but is still charged its real cost.
 */
@RegisterForReflection
public record Reservation(String budget, String scopeValue, String periodStart, double reservedUsd) {
}
