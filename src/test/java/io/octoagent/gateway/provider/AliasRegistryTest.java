package io.octoagent.gateway.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The six default aliases and how names resolve to runtime groups. */
class AliasRegistryTest {

    /** The defaults of application.yaml, given in a shuffled order so that sorting is observable. */
    static AliasRegistry defaults() {
        return new AliasRegistry(List.of(
                new ModelAlias("summarizer", "cheap", "cheap", "Condenses long text."),
                new ModelAlias("planner", "main", "main", "Breaks a task into steps."),
                new ModelAlias("fallback", "fallback", "fallback", "Another vendor."),
                new ModelAlias("router", "cheap", "cheap", "Picks the handler."),
                new ModelAlias("executor", "main", "main", "Carries out a step."),
                new ModelAlias("extractor", "cheap", "cheap", "Pulls structured fields out of text.")));
    }

    private static List<String> names(List<ModelAlias> aliases) {
        return aliases.stream().map(ModelAlias::name).collect(Collectors.toList());
    }

    @Test
    void cheapAliasesResolveToTheCheapGroup() {
        AliasRegistry registry = defaults();
        assertEquals("cheap", registry.resolve("router"));
        assertEquals("cheap", registry.resolve("extractor"));
        assertEquals("cheap", registry.resolve("summarizer"));
    }

    @Test
    void mainAliasesResolveToTheMainGroup() {
        AliasRegistry registry = defaults();
        assertEquals("main", registry.resolve("planner"));
        assertEquals("main", registry.resolve("executor"));
    }

    @Test
    void fallbackAliasResolvesToTheFallbackGroup() {
        assertEquals("fallback", defaults().resolve("fallback"));
    }

    @Test
    void aliasResolvesToItsOwnGroupEvenWhenTheGroupNameDiffers() {
        AliasRegistry registry = new AliasRegistry(List.of(new ModelAlias("writer", "creative", "big-models", "")));
        assertEquals("big-models", registry.resolve("writer"));
        assertEquals("big-models", registry.resolve("big-models"));
    }

    @Test
    void runtimeGroupNamePassesThrough() {
        AliasRegistry registry = new AliasRegistry(List.of(
                new ModelAlias("router", "cheap", "cheap-pool", ""),
                new ModelAlias("fallback", "fallback", "other-vendor", "")));
        assertEquals("cheap-pool", registry.resolve("cheap-pool"));
        assertEquals("other-vendor", registry.resolve("other-vendor"));
    }

    @Test
    void unknownNameResolvesToMainWithoutThrowing() {
        AliasRegistry registry = new AliasRegistry(List.of(new ModelAlias("router", "cheap", "cheap", "")));
        assertEquals("main", registry.resolve("no-such-alias"));
        assertEquals("main", registry.resolve(""));
        assertEquals(AliasRegistry.DEFAULT_GROUP, registry.resolve("ROUTER"));
    }

    @Test
    void nullNameResolvesToMainWithoutThrowing() {
        assertEquals("main", defaults().resolve(null));
    }

    @Test
    void byNameFindsARegisteredAliasWithAllItsFields() {
        Optional<ModelAlias> planner = defaults().byName("planner");
        assertTrue(planner.isPresent());
        assertEquals("planner", planner.get().name());
        assertEquals("main", planner.get().category());
        assertEquals("main", planner.get().runtimeGroup());
        assertEquals("Breaks a task into steps.", planner.get().description());
    }

    @Test
    void byNameIsEmptyForAnUnknownNameAndForAGroupName() {
        AliasRegistry registry = new AliasRegistry(List.of(new ModelAlias("router", "cheap", "cheap-pool", "")));
        assertTrue(registry.byName("nope").isEmpty());
        assertTrue(registry.byName("cheap-pool").isEmpty());
    }

    @Test
    void byCategoryListsTheAliasesOfThatCategory() {
        AliasRegistry registry = defaults();
        assertEquals(List.of("extractor", "router", "summarizer"), names(registry.byCategory("cheap")));
        assertEquals(List.of("executor", "planner"), names(registry.byCategory("main")));
        assertEquals(List.of("fallback"), names(registry.byCategory("fallback")));
        assertTrue(registry.byCategory("vision").isEmpty());
    }

    @Test
    void byRuntimeGroupListsTheAliasesServedByThatGroup() {
        AliasRegistry registry = new AliasRegistry(List.of(
                new ModelAlias("router", "routing", "cheap", ""),
                new ModelAlias("extractor", "extraction", "cheap", ""),
                new ModelAlias("planner", "planning", "main", "")));
        assertEquals(List.of("extractor", "router"), names(registry.byRuntimeGroup("cheap")));
        assertEquals(List.of("planner"), names(registry.byRuntimeGroup("main")));
        assertTrue(registry.byRuntimeGroup("fallback").isEmpty());
    }

    @Test
    void allListsTheSixAliasesSortedByName() {
        assertEquals(List.of("executor", "extractor", "fallback", "planner", "router", "summarizer"),
                names(defaults().all()));
    }

    @Test
    void isKnownForAliasesAndGroupsOnly() {
        AliasRegistry registry = new AliasRegistry(List.of(new ModelAlias("router", "cheap", "cheap-pool", "")));
        assertTrue(registry.isKnown("router"));
        assertTrue(registry.isKnown("cheap-pool"));
        assertFalse(registry.isKnown("planner"));
        assertFalse(registry.isKnown("cheap"));
    }

    @Test
    void runtimeGroupsAreTheDistinctGroupsSorted() {
        assertEquals(List.of("cheap", "fallback", "main"), List.copyOf(defaults().runtimeGroups()));
    }

    @Test
    void acceptedNamesContainsEveryAliasAndEveryGroupOnce() {
        AliasRegistry registry = new AliasRegistry(List.of(
                new ModelAlias("router", "cheap", "cheap-pool", ""),
                new ModelAlias("planner", "main", "main", ""),
                new ModelAlias("main", "main", "main", "")));
        List<String> accepted = registry.acceptedNames();
        assertTrue(accepted.containsAll(List.of("router", "planner", "main", "cheap-pool")), accepted.toString());
        assertEquals(4, accepted.size(), "no duplicates: " + accepted);
        assertTrue(accepted.indexOf("router") < accepted.indexOf("cheap-pool"), "aliases first: " + accepted);
    }

    @Test
    void acceptedNamesOfTheDefaultsAreTheSixAliasesThenTheThreeGroupsThatAreNotAliases() {
        List<String> accepted = defaults().acceptedNames();
        assertEquals(List.of("executor", "extractor", "fallback", "planner", "router", "summarizer", "cheap", "main"),
                accepted);
    }
}
