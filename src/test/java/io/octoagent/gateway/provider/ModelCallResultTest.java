package io.octoagent.gateway.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The invariants of a completed call (SPEC §3), enforced when a result is built; and token usage. */
class ModelCallResultTest {

    static final TokenUsage USAGE = new TokenUsage(10, 20, 30);

    private static ModelCallResult result(String alias, long durationMs, double cost, boolean unavailable,
                                          CostSource source, boolean fallback, String reason) {
        return new ModelCallResult("hi", alias, "gpt-4o-mini", "openai", durationMs, USAGE, cost, unavailable, source,
                fallback, reason, fallback ? "proxy_error" : "", null);
    }

    private static ModelCallResult valid() {
        return result("planner", 120, 1.35e-5, false, CostSource.PROXY_HEADER, false, "");
    }

    @Test
    void validResultKeepsEveryField() {
        ModelCallResult r = valid();
        assertEquals("hi", r.content());
        assertEquals("planner", r.modelAlias());
        assertEquals("gpt-4o-mini", r.modelName());
        assertEquals("openai", r.provider());
        assertEquals(120, r.durationMs());
        assertEquals(USAGE, r.tokenUsage());
        assertEquals(1.35e-5, r.costUsd(), 0.0);
        assertFalse(r.costUnavailable());
        assertEquals(CostSource.PROXY_HEADER, r.costSource());
        assertFalse(r.isFallback());
        assertEquals("", r.fallbackReason());
    }

    @Test
    void unavailableCostWithZeroIsAccepted() {
        ModelCallResult r = result("planner", 0, 0.0, true, CostSource.UNAVAILABLE, false, "");
        assertTrue(r.costUnavailable());
        assertEquals(0.0, r.costUsd(), 0.0);
        assertEquals(0, r.durationMs());
    }

    @Test
    void negativeCostIsRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> result("planner", 1, -0.01, false, CostSource.PRICE_TABLE, false, ""));
    }

    @ParameterizedTest
    @ValueSource(doubles = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
    void nonFiniteCostIsRejected(double cost) {
        assertThrows(IllegalArgumentException.class,
                () -> result("planner", 1, cost, false, CostSource.PROXY_HEADER, false, ""));
    }

    @Test
    void unavailableCostWithANonZeroAmountIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> result("planner", 1, 0.5, true, CostSource.UNAVAILABLE, false, ""));
        assertTrue(e.getMessage().contains("cost_unavailable"), e.getMessage());
    }

    @Test
    void unavailableFlagWithAPricingSourceIsRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> result("planner", 1, 0.0, true, CostSource.PRICE_TABLE, false, ""));
        assertThrows(IllegalArgumentException.class,
                () -> result("planner", 1, 0.0, true, CostSource.PROXY_HEADER, false, ""));
    }

    @Test
    void unavailableSourceWithoutTheUnavailableFlagIsRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> result("planner", 1, 0.0, false, CostSource.UNAVAILABLE, false, ""));
    }

    @Test
    void missingCostSourceIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> result("planner", 1, 0.0, false, null, false, ""));
    }

    @Test
    void fallbackWithoutAReasonIsRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> result("planner", 1, 0.0, false, CostSource.PRICE_TABLE, true, ""));
        assertThrows(IllegalArgumentException.class,
                () -> result("planner", 1, 0.0, false, CostSource.PRICE_TABLE, true, "   "));
        assertThrows(IllegalArgumentException.class,
                () -> result("planner", 1, 0.0, false, CostSource.PRICE_TABLE, true, null));
    }

    @Test
    void negativeDurationIsRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> result("planner", -1, 0.0, false, CostSource.PRICE_TABLE, false, ""));
    }

    @Test
    void blankOrMissingAliasIsRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> result(null, 1, 0.0, false, CostSource.PRICE_TABLE, false, ""));
        assertThrows(IllegalArgumentException.class,
                () -> result("", 1, 0.0, false, CostSource.PRICE_TABLE, false, ""));
        assertThrows(IllegalArgumentException.class,
                () -> result(" \t", 1, 0.0, false, CostSource.PRICE_TABLE, false, ""));
    }

    @Test
    void nullTextsAndUsageAreNormalised() {
        ModelCallResult r = new ModelCallResult(null, "router", null, null, 5, null, 0.0, true,
                CostSource.UNAVAILABLE, false, null, null, null);
        assertEquals("", r.content());
        assertEquals("", r.modelName());
        assertEquals("", r.provider());
        assertEquals("", r.fallbackReason());
        assertSame(TokenUsage.NONE, r.tokenUsage());
    }

    @Test
    void asFallbackSetsTheFlagAndReasonAndKeepsTheRest() {
        ModelCallResult original = valid();
        ModelCallResult fallback = original.asFallback("proxy_error", "proxy unreachable: connection refused");
        assertTrue(fallback.isFallback());
        assertEquals("proxy unreachable: connection refused", fallback.fallbackReason());
        assertEquals(original.content(), fallback.content());
        assertEquals(original.modelAlias(), fallback.modelAlias());
        assertEquals(original.modelName(), fallback.modelName());
        assertEquals(original.provider(), fallback.provider());
        assertEquals(original.durationMs(), fallback.durationMs());
        assertEquals(original.tokenUsage(), fallback.tokenUsage());
        assertEquals(original.costUsd(), fallback.costUsd(), 0.0);
        assertEquals(original.costSource(), fallback.costSource());
        assertFalse(original.isFallback(), "the original is unchanged");
    }

    @Test
    void asFallbackWithoutAReasonIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> valid().asFallback("proxy_error", ""));
        assertThrows(IllegalArgumentException.class, () -> valid().asFallback("proxy_error", null));
    }

    @Test
    void withDurationReplacesOnlyTheDuration() {
        ModelCallResult original = valid().asFallback("proxy_error", "timeout after 30 s");
        ModelCallResult timed = original.withDuration(4321);
        assertEquals(4321, timed.durationMs());
        assertEquals(original.content(), timed.content());
        assertEquals(original.costUsd(), timed.costUsd(), 0.0);
        assertTrue(timed.isFallback());
        assertEquals("timeout after 30 s", timed.fallbackReason());
        assertEquals(120, original.durationMs());
    }

    @Test
    void withNegativeDurationIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> valid().withDuration(-5));
    }

    @Test
    void costSourceWireNamesAreLowerCase() {
        assertEquals("proxy_header", CostSource.PROXY_HEADER.wire());
        assertEquals("price_table", CostSource.PRICE_TABLE.wire());
        assertEquals("unavailable", CostSource.UNAVAILABLE.wire());
    }

    // ---- TokenUsage ----------------------------------------------------------------------------

    @Test
    void negativeTokenCountsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new TokenUsage(-1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new TokenUsage(0, -1, 0));
        assertThrows(IllegalArgumentException.class, () -> new TokenUsage(0, 0, -1));
        assertThrows(IllegalArgumentException.class, () -> TokenUsage.of(-3, 4));
    }

    @Test
    void ofSumsPromptAndCompletion() {
        TokenUsage usage = TokenUsage.of(10, 20);
        assertEquals(10, usage.promptTokens());
        assertEquals(20, usage.completionTokens());
        assertEquals(30, usage.totalTokens());
    }

    @Test
    void plusAddsEachCount() {
        TokenUsage sum = new TokenUsage(10, 20, 30).plus(new TokenUsage(1, 2, 4));
        assertEquals(new TokenUsage(11, 22, 34), sum);
        assertEquals(new TokenUsage(1, 2, 3), TokenUsage.NONE.plus(TokenUsage.of(1, 2)));
    }

    @Test
    void noneIsAllZeros() {
        assertEquals(new TokenUsage(0, 0, 0), TokenUsage.NONE);
    }
}
