package io.octoagent.gateway.provider;

import io.octoagent.gateway.budget.CallQuote;
import io.octoagent.gateway.budget.Usd;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A call's worst-case cost, before it is made: an upper bound of its prompt's tokens times the
 * highest input price it could be billed at, plus {@code max_tokens} times the highest output
 * price. The prompt bound: a byte-level BPE token (the tokenizers of the OpenAI, Anthropic and
 * Llama families) covers at least one UTF-8 byte, so a text has at most as many tokens as bytes;
 * each message adds its role's bytes and {@value #MESSAGE_OVERHEAD} tokens of chat framing, and
 * the reply's priming {@value #PRIMING} more. The echo model costs nothing.
 */
@ApplicationScoped
public class CallPricing {

    static final int MESSAGE_OVERHEAD = 8;
    static final int PRIMING = 8;

    private final AliasRegistry aliases;
    private final ProviderSettings settings;
    private final LiteLlmClient proxy;

    public CallPricing(AliasRegistry aliases, ProviderSettings settings, LiteLlmClient proxy) {
        this.aliases = aliases;
        this.settings = settings;
        this.proxy = proxy;
    }

    /** Most tokens the prompt can count, by the bound above. */
    public static long promptTokenBound(List<ChatMessage> messages) {
        long bound = PRIMING;
        for (ChatMessage message : messages) {
            bound += utf8Bytes(message.content()) + utf8Bytes(message.role()) + MESSAGE_OVERHEAD;
        }
        return bound;
    }

    /**
     * The quote of a call for {@code aliasOrGroup} (an alias, whose group and max tokens it uses,
     * or a runtime group with the default max tokens; {@code maxTokensAlias} names the alias whose
     * max tokens apply when a group is given).
     */
    public Uni<CallQuote> quote(String aliasOrGroup, String maxTokensAlias, List<ChatMessage> messages) {
        String group = aliases.byName(aliasOrGroup).map(ModelAlias::runtimeGroup).orElse(aliasOrGroup);
        int maxTokens = settings.maxTokens(aliases.byName(aliasOrGroup).isPresent() ? aliasOrGroup : maxTokensAlias);
        if (settings.mode() == ProviderSettings.Mode.ECHO) {
            return Uni.createFrom().item(new CallQuote(group, maxTokens, 0L));
        }
        long promptTokens = promptTokenBound(messages);
        return proxy.priceCeiling(group, settings.proxyFallbacks(group))
                .map(price -> new CallQuote(group, maxTokens, price.map(ceiling -> worstNanos(ceiling, promptTokens,
                        maxTokens)).orElse(null)));
    }

    static long worstNanos(ModelPrice ceiling, long promptTokens, int maxTokens) {
        BigDecimal worst = BigDecimal.valueOf(ceiling.inputCostPerToken()).multiply(BigDecimal.valueOf(promptTokens))
                .add(BigDecimal.valueOf(ceiling.outputCostPerToken()).multiply(BigDecimal.valueOf(maxTokens)));
        return Usd.nanosUp(worst);
    }

    private static long utf8Bytes(String text) {
        return text == null ? 0 : text.getBytes(StandardCharsets.UTF_8).length;
    }
}
