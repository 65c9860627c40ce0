package io.octoagent.gateway.cost;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/** {@code GET /api/cost/summary}: all spend, and spend by alias, model and provider. */
@RegisterForReflection
public record CostSummary(Spend total, List<Group> groups) {

    @RegisterForReflection
    public record Group(String modelAlias, String modelName, String provider, Spend spend) {
    }
}
