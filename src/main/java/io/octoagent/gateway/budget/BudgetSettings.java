package io.octoagent.gateway.budget;

import io.octoagent.gateway.config.GatewayConfig;
import io.octoagent.gateway.config.ServiceSettings;
import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The budgets ({@code octoagent.budgets} in application.yaml and/or the JSON or YAML list in
 * {@code OCTOAGENT_BUDGETS_FILE}) and the unpriced-call policy, checked at startup: a bad budget
 * stops the process with a message naming it.
 */
@Startup
@ApplicationScoped
public class BudgetSettings {

    private static final String FILE_VARIABLE = "OCTOAGENT_BUDGETS_FILE";

    private final GatewayConfig config;
    private List<Budget> budgets = List.of();
    private boolean allowUnpriced;

    public BudgetSettings(GatewayConfig config) {
        this.config = config;
    }

    @PostConstruct
    void validate() {
        List<Budget> all = new ArrayList<>();
        for (GatewayConfig.BudgetEntry entry : config.budgets()) {
            all.add(budget("octoagent.budgets", entry.name(), entry.scope(), entry.values().orElse(List.of()),
                    entry.period(), entry.limitUsd(), entry.softPercent(), entry.onExhausted()));
        }
        config.budgetsFile().filter(file -> !file.isBlank()).ifPresent(file -> all.addAll(readFile(file)));
        Set<String> names = new HashSet<>();
        for (Budget budget : all) {
            if (!names.add(budget.name())) {
                throw new IllegalArgumentException("budget '" + budget.name() + "' is configured twice");
            }
        }
        budgets = List.copyOf(all);
        String unpriced = config.budgetUnpriced().trim();
        if (!unpriced.equals("deny") && !unpriced.equals("allow")) {
            throw ServiceSettings.invalid("OCTOAGENT_BUDGET_UNPRICED", config.budgetUnpriced(), "deny, allow");
        }
        allowUnpriced = unpriced.equals("allow");
        if (!budgets.isEmpty()) {
            Log.infof("%d budget(s) configured: %s; unpriced calls are %s", budgets.size(),
                    String.join(", ", names), allowUnpriced ? "allowed" : "denied");
        }
    }

    public List<Budget> budgets() {
        return budgets;
    }

    /** Whether a budgeted call whose worst case cannot be priced may go ahead. */
    public boolean allowUnpriced() {
        return allowUnpriced;
    }

    static Budget budget(String source, String name, String scopeText, List<String> values, String periodText,
                         String limitText, String softText, String onExhausted) {
        String where = source + ": budget '" + name + "'";
        if (name == null || !name.matches("[A-Za-z0-9_.:-]{1,64}")) {
            throw new IllegalArgumentException(source + ": a budget name must be 1 to 64 letters, digits or _ . : -"
                    + " (was '" + name + "')");
        }
        BudgetScope scope = wire(BudgetScope.values(), text(scopeText));
        if (scope == null) {
            throw new IllegalArgumentException(where + ": scope '" + scopeText + "' is not valid; accepted values: "
                    + "global, owner, channel, thread");
        }
        if (scope == BudgetScope.GLOBAL && !values.isEmpty()) {
            throw new IllegalArgumentException(where + ": a global budget takes no values");
        }
        BudgetPeriod period = wire(BudgetPeriod.values(), text(periodText));
        if (period == null) {
            throw new IllegalArgumentException(where + ": period '" + periodText + "' is not valid; accepted values: "
                    + "day, week, month, total");
        }
        long limit;
        try {
            BigDecimal usd = Usd.parse(text(limitText));
            if (usd.signum() < 0) {
                throw new NumberFormatException();
            }
            limit = Usd.nanosUp(usd);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException(where + ": limit_usd '" + limitText + "' is not a USD amount >= 0");
        }
        int soft;
        try {
            soft = Integer.parseInt(text(softText).isEmpty() ? "80" : text(softText));
        } catch (NumberFormatException e) {
            soft = -1;
        }
        if (soft < 1 || soft > 100) {
            throw new IllegalArgumentException(where + ": soft_percent '" + softText + "' must be 1 to 100");
        }
        String exhausted = text(onExhausted).isEmpty() ? "reject" : text(onExhausted);
        String downgradeTo = null;
        if (exhausted.startsWith("downgrade:") && exhausted.length() > "downgrade:".length()) {
            downgradeTo = exhausted.substring("downgrade:".length()).trim();
        } else if (!exhausted.equals("reject")) {
            throw new IllegalArgumentException(where + ": on_exhausted '" + onExhausted + "' is not valid; accepted "
                    + "values: reject, downgrade:<alias or runtime group>");
        }
        Set<String> listed = new LinkedHashSet<>();
        values.forEach(value -> listed.add(value.trim()));
        return new Budget(name, scope, Set.copyOf(listed), period, limit, soft, downgradeTo);
    }

    private static List<Budget> readFile(String file) {
        Object list;
        try {
            // YAML is a superset of JSON: one parser reads both forms.
            list = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(Path.of(file)));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(FILE_VARIABLE + "='" + file + "' cannot be read: "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse(""), e);
        }
        if (!(list instanceof List)) {
            throw new IllegalArgumentException(FILE_VARIABLE + "='" + file + "' does not hold a list of budgets");
        }
        List<Budget> budgets = new ArrayList<>();
        for (Object item : (List<?>) list) {
            if (!(item instanceof Map)) {
                throw new IllegalArgumentException(FILE_VARIABLE + "='" + file + "': an entry is not an object");
            }
            Map<?, ?> entry = (Map<?, ?>) item;
            Object values = field(entry, "values");
            List<String> listed = new ArrayList<>();
            if (values instanceof List) {
                ((List<?>) values).forEach(value -> listed.add(String.valueOf(value)));
            } else if (values != null) {
                throw new IllegalArgumentException(FILE_VARIABLE + "='" + file + "': values must be a list");
            }
            budgets.add(budget(FILE_VARIABLE, stringField(entry, "name"), stringField(entry, "scope"), listed,
                    stringField(entry, "period"), stringField(entry, "limit_usd"), stringField(entry, "soft_percent"),
                    stringField(entry, "on_exhausted")));
        }
        return budgets;
    }

    /** A field by its snake_case name, or its kebab-case one (the form application.yaml uses). */
    private static Object field(Map<?, ?> entry, String snake) {
        Object value = entry.get(snake);
        return value != null ? value : entry.get(snake.replace('_', '-'));
    }

    private static String stringField(Map<?, ?> entry, String snake) {
        return Optional.ofNullable(field(entry, snake)).map(String::valueOf).orElse(null);
    }

    /** The constant whose lower-case name is {@code text}, or null. */
    private static <E extends Enum<E>> E wire(E[] constants, String text) {
        for (E constant : constants) {
            if (constant.name().toLowerCase(Locale.ROOT).equals(text)) {
                return constant;
            }
        }
        return null;
    }

    private static String text(String value) {
        return value == null ? "" : value.trim();
    }
}
