package io.octoagent.gateway.cost;

import io.octoagent.gateway.provider.TokenUsage;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** Summed model calls: how many, their USD cost, tokens, and how many were unpriced or fell back. */
@RegisterForReflection
public record Spend(long calls, double costUsd, TokenUsage tokenUsage, long costUnavailableCalls, long fallbackCalls) {
}
