package io.octoagent.gateway.budget;

import io.octoagent.gateway.access.Caller;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/budgets")
@Tag(name = "Cost", description = "What the model calls cost")
@Produces(MediaType.APPLICATION_JSON)
public class BudgetResource {

    private final BudgetReport report;
    private final SecurityIdentity identity;

    public BudgetResource(BudgetReport report, SecurityIdentity identity) {
        this.report = report;
        this.identity = identity;
    }

    @Operation(summary = "Where each budget stands this period",
            description = "An admin sees every allowance; an owner those its own calls are charged to.")
    @APIResponse(responseCode = "200", description = "The budgets", content = @Content(schema = @Schema(implementation = BudgetList.class)))
    @APIResponse(responseCode = "401", ref = "#/components/responses/Unauthorized")
    @GET
    public Uni<BudgetList> list() {
        return report.statuses(Caller.of(identity)).map(BudgetList::new);
    }
}
