package io.octoagent.gateway.provider;

import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

@Path("/api/aliases")
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
    @GET
    public AliasList list() {
        return new AliasList(registry.all(), List.copyOf(registry.runtimeGroups()), "main");
    }
}
