package io.octoagent.gateway.budget;

import io.octoagent.gateway.provider.CallPricing;
import io.octoagent.gateway.provider.ChatMessage;
import io.octoagent.gateway.support.LiteLlmProxyStub;
import io.octoagent.gateway.support.TestFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The proxy stub plus budgets sized in worst-case calls of {@link #PROMPT}: with the stub's
 * prices (cheap 1.5e-07 / 6e-07 and fallback 8e-07 / 4e-06 per token, each group its own
 * proxy fallback chain) and 1000 max tokens.
 */
public class BudgetedProxy extends LiteLlmProxyStub {

    public static final String PROMPT = "budget proof";
    static final String DATA_DIR = "target/test-data-budgets";
    public static final int MAX_TOKENS = 1000;
    static final int REPEATS = 20;
    static final int N = 5;
    /** Worst cases of one call of PROMPT, in nano-dollars: by the bound CallPricing states. */
    public static final long CHEAP_WORST = worst("1.5e-07", "6e-07");
    static final long FALLBACK_WORST = worst("8e-07", "4e-06");
    static final long DOWNGRADE_LIMIT = 3 * FALLBACK_WORST + 4 * CHEAP_WORST;

    static long worst(String input, String output) {
        long promptTokens = CallPricing.promptTokenBound(List.of(ChatMessage.user(PROMPT)));
        return Usd.nanosUp(new BigDecimal(input).multiply(BigDecimal.valueOf(promptTokens))
                .add(new BigDecimal(output).multiply(BigDecimal.valueOf(MAX_TOKENS))));
    }

    public static String usd(long nanos) {
        return BigDecimal.valueOf(nanos).movePointLeft(9).toPlainString();
    }

    static List<String> owners(String prefix) {
        return IntStream.rangeClosed(1, REPEATS).mapToObj(i -> String.format("%s-%02d", prefix, i))
                .collect(Collectors.toList());
    }

    private String unpriced = "deny";

    /** Init args as the stub's, plus {@code unpriced} (deny or allow). */
    @Override
    public void init(Map<String, String> initArgs) {
        super.init(initArgs);
        unpriced = initArgs.getOrDefault("unpriced", "deny");
    }

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(super.start());
        config.put("octoagent.budget-unpriced", unpriced);
        Path file = Path.of("target", "budgets-test.yaml");
        String budgets = ""
                + budget("everything", "global", List.of(), "total", "1000", "reject")
                + budget("proof-reject", "owner", owners("rej"), "total", usd(N * CHEAP_WORST), "reject")
                + budget("proof-downgrade", "owner", owners("dg"), "total", usd(DOWNGRADE_LIMIT), "downgrade:router")
                + budget("proof-cheaper", "owner", List.of("cheaper"), "total", usd(N * CHEAP_WORST), "reject")
                + budget("proof-failing", "owner", List.of("failing"), "total", usd(N * CHEAP_WORST), "reject")
                + budget("two-calls", "owner", List.of("multi"), "total", usd(2 * CHEAP_WORST), "reject")
                + budget("daily", "owner", List.of("day"), "day", usd(CHEAP_WORST), "reject")
                + budget("unpriced", "owner", List.of("unpriced"), "total", "1", "reject")
                + budget("nothing", "owner", List.of("zero"), "total", "0", "reject");
        try {
            TestFiles.deleteTree(Path.of(DATA_DIR)); // "total" budgets: every run starts from no spend
            Files.createDirectories(file.getParent());
            Files.writeString(file, budgets);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        config.put("octoagent.budgets-file", file.toString());
        // One more the way application.yaml declares them (octoagent.budgets, a list).
        config.put("octoagent.budgets[0].name", "from-config");
        config.put("octoagent.budgets[0].scope", "owner");
        config.put("octoagent.budgets[0].values[0]", "yaml-owner");
        config.put("octoagent.budgets[0].period", "week");
        config.put("octoagent.budgets[0].limit-usd", "0.5");
        config.put("octoagent.budgets[0].on-exhausted", "downgrade:router");
        config.put("octoagent.llm.max-tokens", String.valueOf(MAX_TOKENS));
        config.put("octoagent.llm.aliases.summarizer.max-tokens", "200");
        config.put("octoagent.llm.proxy-fallbacks", "cheap=;fallback=");
        config.put("octoagent.data-dir", DATA_DIR);
        return config;
    }

    private static String budget(String name, String scope, List<String> values, String period, String limit,
                                 String onExhausted) {
        return "- name: " + name + "\n  scope: " + scope + "\n"
                + (values.isEmpty() ? "" : "  values: [" + String.join(", ", values) + "]\n")
                + "  period: " + period + "\n  limit_usd: \"" + limit + "\"\n  soft_percent: 80\n"
                + "  on_exhausted: " + onExhausted + "\n";
    }
}
