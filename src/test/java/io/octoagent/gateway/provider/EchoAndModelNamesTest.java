package io.octoagent.gateway.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The echo adapter, and how the served model and its provider are named. */
class EchoAndModelNamesTest {

    static PriceTable prices;

    @BeforeAll
    static void bundledPrices() {
        prices = new PriceTable(new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE), null);
    }

    // ---- echo ----------------------------------------------------------------------------------

    @Test
    void echoAnswersWithTheLastUserMessage() {
        ModelCallResult r = new EchoMessageAdapter().answer("planner", List.of(
                new ChatMessage("system", "You are terse."),
                ChatMessage.user("first question"),
                new ChatMessage("assistant", "first answer"),
                ChatMessage.user("second question"),
                new ChatMessage("assistant", "not this")));
        assertEquals("Echo: second question", r.content());
    }

    @Test
    void echoNamesModelAndProviderEchoAndCostsNothingKnown() {
        ModelCallResult r = new EchoMessageAdapter().answer("router", List.of(ChatMessage.user("hello")));
        assertEquals("echo", r.modelName());
        assertEquals("echo", r.provider());
        assertEquals(EchoMessageAdapter.MODEL, r.modelName());
        assertEquals("router", r.modelAlias());
        assertEquals(0.0, r.costUsd(), 0.0);
        assertFalse(r.costUnavailable());
        assertEquals(CostSource.NONE, r.costSource(), "echo costs nothing by definition: no table priced it");
        assertEquals("none", r.costSource().wire());
        assertEquals(TokenUsage.NONE, r.tokenUsage());
        assertTrue(r.durationMs() >= 0);
    }

    @Test
    void echoAsPrimaryIsNotAFallback() {
        ModelCallResult r = new EchoMessageAdapter().answer("planner", List.of(ChatMessage.user("hello")));
        assertFalse(r.isFallback());
        assertEquals("", r.fallbackReason());
    }

    @Test
    void echoAnswerCanBeMarkedAsAFallback() {
        ModelCallResult r = new EchoMessageAdapter().answer("planner", List.of(ChatMessage.user("hello")))
                .asFallback("proxy_error", "proxy_error: proxy error 500: boom");
        assertTrue(r.isFallback());
        assertEquals("proxy_error: proxy error 500: boom", r.fallbackReason());
        assertEquals("proxy_error", r.fallbackKind());
        assertEquals("Echo: hello", r.content());
    }

    @Test
    void echoWithoutAUserMessageAnswersAnEmptyEcho() {
        EchoMessageAdapter echo = new EchoMessageAdapter();
        assertEquals("Echo: ", echo.answer("planner", List.of(new ChatMessage("system", "rules"))).content());
        assertEquals("Echo: ", echo.answer("planner", List.of()).content());
    }

    @Test
    void echoOfAUserMessageWithoutContentIsAnEmptyEcho() {
        assertEquals("Echo: ", new EchoMessageAdapter().answer("planner", List.of(ChatMessage.user(null))).content());
    }

    @Test
    void lastUserContentIgnoresOtherRoles() {
        assertEquals("q", ChatMessage.lastUserContent(List.of(ChatMessage.user("q"), new ChatMessage("tool", "x"))));
        assertEquals("", ChatMessage.lastUserContent(List.of(new ChatMessage("assistant", "a"))));
    }

    // ---- ModelNames ------------------------------------------------------------------------------

    @Test
    void withoutProviderDropsThePrefix() {
        assertEquals("gpt-4o-mini", ModelNames.withoutProvider("openai/gpt-4o-mini"));
        assertEquals("claude-3-5-haiku-20241022", ModelNames.withoutProvider("anthropic/claude-3-5-haiku-20241022"));
    }

    @Test
    void withoutProviderKeepsAPlainName() {
        assertEquals("gpt-4o-mini", ModelNames.withoutProvider("gpt-4o-mini"));
        assertEquals("", ModelNames.withoutProvider(""));
        assertEquals("", ModelNames.withoutProvider(null));
    }

    @Test
    void withoutProviderDropsOnlyTheFirstSegment() {
        assertEquals("meta-llama/Llama-3-8b", ModelNames.withoutProvider("openrouter/meta-llama/Llama-3-8b"));
    }

    @Test
    void providerPrefixIsTheFirstSegment() {
        assertEquals("openai", ModelNames.providerPrefix("openai/gpt-4o-mini"));
        assertEquals("openrouter", ModelNames.providerPrefix("openrouter/meta-llama/Llama-3-8b"));
    }

    @Test
    void providerPrefixIsEmptyWithoutAPrefix() {
        assertEquals("", ModelNames.providerPrefix("gpt-4o-mini"));
        assertEquals("", ModelNames.providerPrefix("/gpt-4o-mini"));
        assertEquals("", ModelNames.providerPrefix(""));
        assertEquals("", ModelNames.providerPrefix(null));
    }

    @Test
    void deploymentModelNameHasNoPrefix() {
        assertEquals("gpt-4o-mini",
                new Deployment("id", "cheap", "openai/gpt-4o-mini", "openai", null, null).modelName());
    }

    // ---- ServedModel -----------------------------------------------------------------------------

    @Test
    void servedModelComesFromTheDeployment() {
        Deployment deployment = new Deployment("40c3c79a", "cheap", "openai/gpt-4o-mini", "openai", 1.5e-7, 6e-7);
        ServedModel served = ServedModel.of(deployment, "cheap", prices);
        assertEquals("gpt-4o-mini", served.name());
        assertEquals("openai", served.provider());
    }

    @Test
    void deploymentWinsOverADifferentBodyModel() {
        Deployment deployment = new Deployment("fc8f64f3", "fallback", "anthropic/claude-3-5-haiku-20241022",
                "anthropic", 8e-7, 4e-6);
        ServedModel served = ServedModel.of(deployment, "gpt-4o-mini", prices);
        assertEquals("claude-3-5-haiku-20241022", served.name());
        assertEquals("anthropic", served.provider());
    }

    @Test
    void deploymentWithoutAModelFallsBackToTheBody() {
        Deployment blank = new Deployment("x", "cheap", "", "", null, null);
        ServedModel served = ServedModel.of(blank, "openai/gpt-4o-mini", prices);
        assertEquals("gpt-4o-mini", served.name());
        assertEquals("openai", served.provider());
    }

    @Test
    void servedModelFromABodyModelWithAPrefix() {
        ServedModel served = ServedModel.of(null, "anthropic/claude-3-5-haiku-20241022", prices);
        assertEquals("claude-3-5-haiku-20241022", served.name());
        assertEquals("anthropic", served.provider());
    }

    @Test
    void prefixWinsOverThePriceTableProvider() {
        ServedModel served = ServedModel.of(null, "azure/gpt-4o-mini", prices);
        assertEquals("gpt-4o-mini", served.name());
        assertEquals("azure", served.provider());
    }

    @Test
    void servedModelFromABodyModelWithoutPrefixTakesThePriceTableProvider() {
        ServedModel served = ServedModel.of(null, "gpt-4o-mini", prices);
        assertEquals("gpt-4o-mini", served.name());
        assertEquals("openai", served.provider());
        assertEquals("deepseek", ServedModel.of(null, "deepseek-chat", prices).provider());
    }

    @Test
    void unknownBodyModelHasAnEmptyProvider() {
        ServedModel served = ServedModel.of(null, "cheap", prices);
        assertEquals("cheap", served.name());
        assertEquals("", served.provider());
    }

    @Test
    void missingBodyModelGivesEmptyNameAndProvider() {
        ServedModel served = ServedModel.of(null, null, prices);
        assertEquals("", served.name());
        assertEquals("", served.provider());
        assertEquals(new ServedModel("", ""), ServedModel.of(null, "", prices));
    }
}
