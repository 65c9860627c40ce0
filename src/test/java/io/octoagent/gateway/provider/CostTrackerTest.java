package io.octoagent.gateway.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The cost channels: proxy header, then per-token prices, else unavailable; never throws. */
class CostTrackerTest {

    static final double DELTA = 1e-15;
    static final ObjectMapper MAPPER = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
    static final TokenUsage USAGE = new TokenUsage(10, 20, 30);
    /** The deployment behind group {@code cheap}, as the proxy's /model/info describes it. */
    static final Deployment CHEAP = new Deployment("40c3c79a", "cheap", "openai/gpt-4o-mini", "openai", 1.5e-7, 6e-7);
    /** 10 × 1.5e-7 + 20 × 6e-7, the observed header value. */
    static final double CHEAP_COST = 1.35e-5;

    static CostTracker tracker;

    @BeforeAll
    static void bundledPrices() {
        tracker = new CostTracker(new PriceTable(MAPPER, null));
    }

    // ---- channel 1: the proxy header ---------------------------------------------------------

    @Test
    void headerInExponentNotationIsTheCost() {
        CostTracker.Cost cost = tracker.price("1.35e-05", USAGE, CHEAP, "gpt-4o-mini", "openai");
        assertEquals(1.35e-5, cost.usd(), 0.0);
        assertEquals(CostSource.PROXY_HEADER, cost.source());
        assertFalse(cost.unavailable());
    }

    @Test
    void headerWinsOverTablePrices() {
        // gpt-4o prices would give 10 × 2.5e-6 + 20 × 1e-5 = 2.25e-4; the header says otherwise.
        CostTracker.Cost cost = tracker.price("8.8e-05", USAGE, null, "gpt-4o", "openai");
        assertEquals(8.8e-5, cost.usd(), 0.0);
        assertEquals(CostSource.PROXY_HEADER, cost.source());
    }

    @Test
    void zeroHeaderIsAcceptedAsAZeroCost() {
        CostTracker.Cost cost = tracker.price("0", USAGE, CHEAP, "gpt-4o-mini", "openai");
        assertEquals(0.0, cost.usd(), 0.0);
        assertEquals(CostSource.PROXY_HEADER, cost.source());
        assertFalse(cost.unavailable());
    }

    @Test
    void headerIsUsedEvenWithoutUsage() {
        CostTracker.Cost cost = tracker.price("0.0001", TokenUsage.NONE, null, "", "");
        assertEquals(1e-4, cost.usd(), 0.0);
        assertEquals(CostSource.PROXY_HEADER, cost.source());
    }

    @Test
    void headerWithSurroundingBlanksIsTrimmed() {
        assertEquals(1.35e-5, CostTracker.parseCostHeader(" 1.35e-05 ").orElseThrow(), 0.0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "-1", "NaN", "Infinity", "-Infinity", "1.2.3", "", "   "})
    void unusableHeaderIsIgnoredAndTheNextChannelPrices(String header) {
        assertTrue(CostTracker.parseCostHeader(header).isEmpty(), "parsed '" + header + "'");
        CostTracker.Cost cost = tracker.price(header, USAGE, CHEAP, "gpt-4o-mini", "openai");
        assertEquals(CostSource.PRICE_TABLE, cost.source());
        assertEquals(CHEAP_COST, cost.usd(), DELTA);
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "-1", "NaN", "Infinity"})
    void unusableHeaderWithNothingElseKnownIsUnavailable(String header) {
        CostTracker.Cost cost = tracker.price(header, USAGE, null, "cheap", "");
        assertEquals(CostTracker.Cost.UNAVAILABLE, cost);
    }

    // ---- channel 2: tokens × prices ----------------------------------------------------------

    @Test
    void withoutHeaderTheDeploymentPricesAreUsed() {
        CostTracker.Cost cost = tracker.price(null, USAGE, CHEAP, "gpt-4o-mini", "openai");
        assertEquals(CHEAP_COST, cost.usd(), DELTA);
        assertEquals(CostSource.PRICE_TABLE, cost.source());
        assertFalse(cost.unavailable());
    }

    @Test
    void deploymentPricesWinOverTheBundledTable() {
        Deployment discounted = new Deployment("d1", "cheap", "openai/gpt-4o-mini", "openai", 1e-7, 2e-7);
        CostTracker.Cost cost = tracker.price(null, USAGE, discounted, "gpt-4o-mini", "openai");
        assertEquals(10 * 1e-7 + 20 * 2e-7, cost.usd(), DELTA);
    }

    @Test
    void deploymentWithoutPricesFallsBackToTheBundledTable() {
        Deployment unpriced = new Deployment("d2", "main", "openai/gpt-4o", "openai", null, null);
        CostTracker.Cost cost = tracker.price(null, USAGE, unpriced, "gpt-4o", "openai");
        assertEquals(10 * 2.5e-6 + 20 * 1e-5, cost.usd(), DELTA);
        assertEquals(CostSource.PRICE_TABLE, cost.source());
    }

    @Test
    void withoutHeaderAndDeploymentTheBundledTablePricesByModelName() {
        CostTracker.Cost cost = tracker.price(null, USAGE, null, "gpt-4o-mini", "");
        assertEquals(CHEAP_COST, cost.usd(), DELTA);
        assertEquals(CostSource.PRICE_TABLE, cost.source());
    }

    @Test
    void bundledTableFindsAModelNameWithAProviderPrefix() {
        CostTracker.Cost cost = tracker.price(null, USAGE, null, "openai/gpt-4o-mini", "");
        assertEquals(CHEAP_COST, cost.usd(), DELTA);
        assertEquals(CostSource.PRICE_TABLE, cost.source());
    }

    @Test
    void bundledTablePricesAnAnthropicModel() {
        CostTracker.Cost cost = tracker.price(null, USAGE, null, "claude-3-5-haiku-20241022", "anthropic");
        assertEquals(10 * 8e-7 + 20 * 4e-6, cost.usd(), DELTA);
    }

    // ---- channel 3: unavailable ------------------------------------------------------------

    @Test
    void nothingKnownIsUnavailableWithZeroCost() {
        CostTracker.Cost cost = tracker.price(null, USAGE, null, "my-private-model", "acme");
        assertEquals(0.0, cost.usd(), 0.0);
        assertEquals(CostSource.UNAVAILABLE, cost.source());
        assertTrue(cost.unavailable());
    }

    @Test
    void zeroUsageWithoutHeaderIsUnavailableEvenForAPricedModel() {
        CostTracker.Cost cost = tracker.price(null, TokenUsage.NONE, CHEAP, "gpt-4o-mini", "openai");
        assertEquals(CostTracker.Cost.UNAVAILABLE, cost);
        assertTrue(cost.unavailable());
    }

    // ---- never throws ------------------------------------------------------------------------

    @Test
    void nullModelNameIsUnavailableNotAnException() {
        assertEquals(CostTracker.Cost.UNAVAILABLE, tracker.price(null, USAGE, null, null, null));
    }

    @Test
    void nullUsageWithoutHeaderIsUnavailableNotAnException() {
        assertEquals(CostTracker.Cost.UNAVAILABLE, tracker.price(null, null, CHEAP, "gpt-4o-mini", "openai"));
    }

    @Test
    void invalidDeploymentPricesAreUnavailableNotAnException() {
        Deployment broken = new Deployment("d3", "cheap", "openai/gpt-4o-mini", "openai", Double.NaN, 6e-7);
        assertEquals(CostTracker.Cost.UNAVAILABLE, tracker.price(null, USAGE, broken, "gpt-4o-mini", "openai"));
        Deployment negative = new Deployment("d4", "cheap", "openai/gpt-4o-mini", "openai", -1.0, 6e-7);
        assertEquals(CostTracker.Cost.UNAVAILABLE, tracker.price(null, USAGE, negative, "gpt-4o-mini", "openai"));
    }

    @Test
    void unavailableCostIsZeroAndFlagged() {
        assertEquals(0.0, CostTracker.Cost.UNAVAILABLE.usd(), 0.0);
        assertTrue(CostTracker.Cost.UNAVAILABLE.unavailable());
        assertFalse(new CostTracker.Cost(0.0, CostSource.PRICE_TABLE).unavailable());
    }

    // ---- parseUsage ----------------------------------------------------------------------------

    private static JsonNode json(String text) throws Exception {
        return MAPPER.readTree(text);
    }

    @Test
    void parseUsageReadsAllThreeCounts() throws Exception {
        assertEquals(new TokenUsage(10, 20, 30),
                CostTracker.parseUsage(json("{\"completion_tokens\":20,\"prompt_tokens\":10,\"total_tokens\":30}")));
    }

    @Test
    void parseUsageKeepsAReportedTotalThatDiffersFromTheSum() throws Exception {
        assertEquals(new TokenUsage(10, 20, 35),
                CostTracker.parseUsage(json("{\"prompt_tokens\":10,\"completion_tokens\":20,\"total_tokens\":35}")));
    }

    @Test
    void parseUsageComputesAMissingTotalAsPromptPlusCompletion() throws Exception {
        assertEquals(new TokenUsage(10, 20, 30),
                CostTracker.parseUsage(json("{\"prompt_tokens\":10,\"completion_tokens\":20}")));
    }

    @Test
    void parseUsageComputesANullTotalAsPromptPlusCompletion() throws Exception {
        assertEquals(new TokenUsage(7, 5, 12),
                CostTracker.parseUsage(json("{\"prompt_tokens\":7,\"completion_tokens\":5,\"total_tokens\":null}")));
    }

    @Test
    void parseUsageOfAnEmptyObjectIsZeros() throws Exception {
        assertEquals(TokenUsage.NONE, CostTracker.parseUsage(json("{}")));
    }

    @Test
    void parseUsageOfMissingUsageIsZeros() {
        assertEquals(TokenUsage.NONE, CostTracker.parseUsage(null));
    }

    @Test
    void parseUsageOfANonObjectIsZeros() throws Exception {
        assertEquals(TokenUsage.NONE, CostTracker.parseUsage(json("null")));
        assertEquals(TokenUsage.NONE, CostTracker.parseUsage(json("[10,20,30]")));
        assertEquals(TokenUsage.NONE, CostTracker.parseUsage(json("\"10\"")));
        assertEquals(TokenUsage.NONE, CostTracker.parseUsage(json("42")));
    }

    @Test
    void parseUsageClampsNegativeCountsToZero() throws Exception {
        assertEquals(new TokenUsage(0, 20, 20),
                CostTracker.parseUsage(json("{\"prompt_tokens\":-5,\"completion_tokens\":20}")));
    }
}
