package io.octoagent.gateway.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bundled price table, the user's override file and the lookup order. */
class PriceTableTest {

    static final ObjectMapper MAPPER = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    static final List<String> BUNDLED_MODELS = List.of(
            "gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-4.1-mini", "gpt-4.1-nano", "o3-mini",
            "claude-3-5-haiku-20241022", "claude-3-5-sonnet-20241022", "claude-3-7-sonnet-20250219",
            "claude-sonnet-4-20250514", "gemini-1.5-pro", "gemini-2.0-flash", "gemini-2.5-pro",
            "deepseek-chat", "deepseek-reasoner");

    @TempDir
    Path dir;

    private static PriceTable bundled() {
        return new PriceTable(MAPPER, null);
    }

    private Path userFile(String json) throws IOException {
        Path file = dir.resolve("prices.json");
        Files.writeString(file, json, StandardCharsets.UTF_8);
        return file;
    }

    // ---- the bundled table -------------------------------------------------------------------

    @Test
    void bundledTableHoldsAtLeastADozenModels() {
        assertTrue(bundled().size() >= 12, "size " + bundled().size());
    }

    @Test
    void bundledTableCoversOpenAiAnthropicGeminiAndDeepSeek() {
        PriceTable table = bundled();
        Set<String> providers = new TreeSet<>();
        int found = 0;
        for (String model : BUNDLED_MODELS) {
            Optional<ModelPrice> price = table.lookup(model, null);
            if (price.isPresent()) {
                found++;
                providers.add(price.get().provider());
                assertTrue(price.get().inputCostPerToken() > 0, model);
                assertTrue(price.get().outputCostPerToken() > 0, model);
            }
        }
        assertTrue(found >= 12, "found " + found);
        assertTrue(providers.containsAll(Set.of("openai", "anthropic", "gemini", "deepseek")), providers.toString());
    }

    @Test
    void bundledGpt4oMiniHasTheObservedPrices() {
        ModelPrice price = bundled().lookup("gpt-4o-mini", null).orElseThrow();
        assertEquals(1.5e-7, price.inputCostPerToken(), 0.0);
        assertEquals(6e-7, price.outputCostPerToken(), 0.0);
        assertEquals("openai", price.provider());
    }

    @Test
    void sampleSpecIsNotAModel() {
        assertTrue(bundled().lookup("sample_spec", null).isEmpty());
        assertTrue(bundled().lookup("sample_spec", "openai").isEmpty());
    }

    // ---- the user file -----------------------------------------------------------------------

    @Test
    void userFileAddsANewModel() throws IOException {
        Path file = userFile("""
                {"acme-large": {"input_cost_per_token": 1e-6, "output_cost_per_token": 3e-6,
                                "litellm_provider": "acme", "mode": "chat", "max_input_tokens": 8192}}
                """);
        PriceTable table = new PriceTable(MAPPER, file);
        ModelPrice price = table.lookup("acme-large", null).orElseThrow();
        assertEquals(1e-6, price.inputCostPerToken(), 0.0);
        assertEquals(3e-6, price.outputCostPerToken(), 0.0);
        assertEquals("acme", price.provider());
        assertEquals(bundled().size() + 1, table.size());
    }

    @Test
    void userFileOverridesABundledPriceAndKeepsTheOthers() throws IOException {
        Path file = userFile("""
                {"gpt-4o-mini": {"input_cost_per_token": 1e-7, "output_cost_per_token": 2e-7,
                                 "litellm_provider": "openai"}}
                """);
        PriceTable table = new PriceTable(MAPPER, file);
        ModelPrice mini = table.lookup("gpt-4o-mini", null).orElseThrow();
        assertEquals(1e-7, mini.inputCostPerToken(), 0.0);
        assertEquals(2e-7, mini.outputCostPerToken(), 0.0);
        assertEquals(bundled().size(), table.size());
        assertEquals(2.5e-6, table.lookup("gpt-4o", null).orElseThrow().inputCostPerToken(), 0.0);
    }

    @Test
    void userEntriesWithoutPerTokenPricesAreSkipped() throws IOException {
        Path file = userFile("""
                {"sample_spec": {"input_cost_per_token": 0.0, "output_cost_per_token": 0.0,
                                 "litellm_provider": "one of the LiteLLM providers"},
                 "dall-e-3": {"output_cost_per_image": 0.04, "litellm_provider": "openai", "mode": "image_generation"},
                 "text-only-in": {"input_cost_per_token": 1e-6, "litellm_provider": "acme"},
                 "string-prices": {"input_cost_per_token": "1e-6", "output_cost_per_token": "2e-6"},
                 "negative": {"input_cost_per_token": -1e-6, "output_cost_per_token": 2e-6},
                 "not-an-object": 42,
                 "gpt-4o": {"mode": "chat", "max_input_tokens": 128000}}
                """);
        PriceTable table = new PriceTable(MAPPER, file);
        for (String skipped : List.of("sample_spec", "dall-e-3", "text-only-in", "string-prices", "negative",
                "not-an-object")) {
            assertTrue(table.lookup(skipped, null).isEmpty(), skipped);
        }
        assertEquals(bundled().size(), table.size());
        assertEquals(2.5e-6, table.lookup("gpt-4o", null).orElseThrow().inputCostPerToken(), 0.0,
                "an unpriced user entry leaves the bundled price alone");
    }

    @Test
    void userEntryWithoutProviderHasAnEmptyProvider() throws IOException {
        Path file = userFile("{\"house-model\": {\"input_cost_per_token\": 1e-6, \"output_cost_per_token\": 1e-6}}");
        assertEquals("", new PriceTable(MAPPER, file).lookup("house-model", null).orElseThrow().provider());
    }

    @Test
    void missingUserFileIsRejectedNamingTheVariable() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new PriceTable(MAPPER, dir.resolve("does-not-exist.json")));
        assertTrue(e.getMessage().contains("OCTOAGENT_PRICING_FILE"), e.getMessage());
    }

    @Test
    void userFileThatIsNotJsonIsRejectedNamingTheVariable() throws IOException {
        Path file = userFile("{ this is not json");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new PriceTable(MAPPER, file));
        assertTrue(e.getMessage().contains("OCTOAGENT_PRICING_FILE"), e.getMessage());
    }

    @Test
    void userFileWhoseTopLevelIsNotAnObjectIsRejectedNamingTheVariable() throws IOException {
        Path file = userFile("[{\"input_cost_per_token\": 1e-6, \"output_cost_per_token\": 1e-6}]");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new PriceTable(MAPPER, file));
        assertTrue(e.getMessage().contains("OCTOAGENT_PRICING_FILE"), e.getMessage());
    }

    @Test
    void emptyUserFileIsRejectedNamingTheVariable() throws IOException {
        Path file = userFile("");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new PriceTable(MAPPER, file));
        assertTrue(e.getMessage().contains("OCTOAGENT_PRICING_FILE"), e.getMessage());
    }

    @Test
    void directoryAsUserFileIsRejectedNamingTheVariable() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new PriceTable(MAPPER, dir));
        assertTrue(e.getMessage().contains("OCTOAGENT_PRICING_FILE"), e.getMessage());
    }

    // ---- lookup --------------------------------------------------------------------------------

    @Test
    void lookupByExactName() {
        assertEquals(8e-7, bundled().lookup("claude-3-5-haiku-20241022", null).orElseThrow().inputCostPerToken(), 0.0);
    }

    @Test
    void lookupByProviderSlashName() throws IOException {
        Path file = userFile("""
                {"acme/widget-1": {"input_cost_per_token": 5e-6, "output_cost_per_token": 7e-6, "litellm_provider": "acme"}}
                """);
        PriceTable table = new PriceTable(MAPPER, file);
        ModelPrice price = table.lookup("widget-1", "acme").orElseThrow();
        assertEquals(5e-6, price.inputCostPerToken(), 0.0);
        assertTrue(table.lookup("widget-1", null).isEmpty(), "without the provider, the prefixed key is not found");
        assertTrue(table.lookup("widget-1", "other").isEmpty());
    }

    @Test
    void lookupByNameWithoutItsProviderPrefix() {
        ModelPrice price = bundled().lookup("openai/gpt-4o-mini", null).orElseThrow();
        assertEquals(1.5e-7, price.inputCostPerToken(), 0.0);
        assertEquals(6e-7, bundled().lookup("openai/gpt-4o-mini", "openai").orElseThrow().outputCostPerToken(), 0.0);
    }

    @Test
    void exactNameWinsOverTheNameWithoutPrefix() throws IOException {
        Path file = userFile("""
                {"openrouter/gpt-4o-mini": {"input_cost_per_token": 9e-7, "output_cost_per_token": 9e-7}}
                """);
        PriceTable table = new PriceTable(MAPPER, file);
        assertEquals(9e-7, table.lookup("openrouter/gpt-4o-mini", null).orElseThrow().inputCostPerToken(), 0.0);
        assertEquals(1.5e-7, table.lookup("gpt-4o-mini", null).orElseThrow().inputCostPerToken(), 0.0);
    }

    @Test
    void lookupOfUnknownBlankOrNullNameIsEmpty() {
        PriceTable table = bundled();
        assertTrue(table.lookup("my-private-model", "acme").isEmpty());
        assertTrue(table.lookup("", "openai").isEmpty());
        assertTrue(table.lookup("  ", null).isEmpty());
        assertTrue(table.lookup(null, "openai").isEmpty());
    }

    @Test
    void modelPriceMultipliesTokensByPrices() {
        ModelPrice price = new ModelPrice(1.5e-7, 6e-7, "openai");
        assertEquals(1.35e-5, price.cost(new TokenUsage(10, 20, 30)), 1e-15);
        assertEquals(0.0, price.cost(TokenUsage.NONE), 0.0);
    }
}
