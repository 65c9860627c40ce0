package io.octoagent.gateway.event;

import io.octoagent.gateway.budget.Reservation;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/**
 * A model call about to be made: to {@code runtimeGroup} with {@code maxTokens}, holding
 * {@code budgetReservations} (its worst case, {@code worstCaseUsd}, on each budget that applies;
 * none when no budget does). {@code downgradedByBudget} names the budget that sent the call to a
 * cheaper group than {@code downgradedFrom}; {@code budgetUnpriced} is {@code "allowed"} when the
 * worst case could not be priced and the unpriced policy let the call through.
 */
@RegisterForReflection
public record ModelCallStartedPayload(String modelAlias, String runtimeGroup, String requestSummary,
                                      String artifactRef, Integer maxTokens, Double worstCaseUsd,
                                      List<Reservation> budgetReservations, String downgradedByBudget,
                                      String downgradedFrom, String budgetUnpriced) {

    public ModelCallStartedPayload {
        budgetReservations = budgetReservations == null ? List.of() : List.copyOf(budgetReservations);
    }
}
