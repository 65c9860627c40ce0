package io.octoagent.gateway.provider;

import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/aliases")
@Tag(name = "Models", description = "Semantic model aliases and their LiteLLM runtime groups")
@Produces(MediaType.APPLICATION_JSON)
public class AliasResource {

    private final AliasRegistry registry;

    public AliasResource(AliasRegistry registry) {
        this.registry = registry;
    }

    @RegisterForReflection
    public record AliasList(List<ModelAlias> aliases, List<String> runtimeGroups, String defaultAlias) {
    }

    /** The semantic aliases (sorted by name), the runtime groups, and the default used when none is given. */
    @Operation(summary = "The alias registry")
    @APIResponse(responseCode = "200", description = "Aliases, runtime groups and the default alias", content = @Content(schema = @Schema(implementation = AliasList.class)))
    @APIResponse(responseCode = "401", ref = "#/components/responses/Unauthorized")
    @GET
    public AliasList list() {
        return new AliasList(registry.all(), List.copyOf(registry.runtimeGroups()), "main");
    }
}
