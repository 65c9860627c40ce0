package io.octoagent.gateway.provider;

import io.octoagent.gateway.config.GatewayConfig;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** The semantic aliases, fixed at startup from {@code octoagent.llm.aliases}. */
@ApplicationScoped
public class AliasRegistry {

    public static final String DEFAULT_GROUP = "main";

    private final Map<String, ModelAlias> aliases;
    private final SortedSet<String> runtimeGroups;

    @Inject
    public AliasRegistry(GatewayConfig config) {
        this(config.llm().aliases().entrySet().stream()
                .map(entry -> new ModelAlias(entry.getKey(), entry.getValue().category(),
                        entry.getValue().runtimeGroup(), entry.getValue().description()))
                .collect(Collectors.toList()));
    }

    public AliasRegistry(Collection<ModelAlias> aliases) {
        this.aliases = new TreeMap<>();
        aliases.forEach(alias -> this.aliases.put(alias.name(), alias));
        this.runtimeGroups = new TreeSet<>();
        aliases.forEach(alias -> runtimeGroups.add(alias.runtimeGroup()));
    }

    /**
     * The runtime group for a name: an alias gives its group, a group name passes through, and
     * anything else falls back to {@value #DEFAULT_GROUP} with a warning (this never throws).
     */
    public String resolve(String name) {
        ModelAlias alias = name == null ? null : aliases.get(name);
        if (alias != null) {
            return alias.runtimeGroup();
        }
        if (name != null && runtimeGroups.contains(name)) {
            return name;
        }
        Log.warnf("Unknown model alias '%s', using runtime group '%s'", name, DEFAULT_GROUP);
        return DEFAULT_GROUP;
    }

    /** True for a registered alias or a runtime group name. */
    public boolean isKnown(String name) {
        return aliases.containsKey(name) || runtimeGroups.contains(name);
    }

    public Optional<ModelAlias> byName(String name) {
        return Optional.ofNullable(aliases.get(name));
    }

    public List<ModelAlias> byCategory(String category) {
        return aliases.values().stream().filter(alias -> alias.category().equals(category)).collect(Collectors.toList());
    }

    public List<ModelAlias> byRuntimeGroup(String group) {
        return aliases.values().stream().filter(alias -> alias.runtimeGroup().equals(group)).collect(Collectors.toList());
    }

    /** All aliases sorted by name. */
    public List<ModelAlias> all() {
        return aliases.values().stream().sorted(Comparator.comparing(ModelAlias::name)).collect(Collectors.toList());
    }

    public SortedSet<String> runtimeGroups() {
        return runtimeGroups;
    }

    /** Every name {@code model_alias} accepts: aliases, then runtime groups. */
    public List<String> acceptedNames() {
        List<String> names = aliases.keySet().stream().collect(Collectors.toList());
        runtimeGroups.stream().filter(group -> !aliases.containsKey(group)).forEach(names::add);
        return names;
    }
}
