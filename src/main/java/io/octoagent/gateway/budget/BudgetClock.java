package io.octoagent.gateway.budget;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;

/** What time it is for budgets (which period a call is charged to); tests replace it. */
@ApplicationScoped
public class BudgetClock {

    public Instant now() {
        return Instant.now();
    }
}
