package io.octoagent.gateway.cost;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/**
 * {@code GET /api/cost/summary}: all spend in the window ({@code from} inclusive, {@code to}
 * exclusive, null when open), spend by alias, model and provider, and — when asked with
 * {@code group_by} — spend by that one dimension ({@code by}).
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CostSummary(Spend total, List<Group> groups, String from, String to, String groupBy, List<Bucket> by) {

    @RegisterForReflection
    public record Group(String modelAlias, String modelName, String provider, Spend spend) {
    }

    /** Spend of one value of the {@code group_by} dimension (an alias, a model, an owner, a day…). */
    @RegisterForReflection
    public record Bucket(String key, Spend spend) {
    }
}
