package io.octoagent.gateway.budget;

import io.octoagent.gateway.event.BudgetExceededPayload;
import java.util.List;

/**
 * A budget's answer to a model call: go ahead with {@code quote} (perhaps a downgraded one)
 * holding {@code reservations}, or — {@code refusal} set — do not call at all.
 */
public record Admission(CallQuote quote, List<Reservation> reservations, String downgradedBy, String downgradedFrom,
                        boolean unpricedAllowed, BudgetExceededPayload refusal) {

    public boolean allowed() {
        return refusal == null;
    }
}
