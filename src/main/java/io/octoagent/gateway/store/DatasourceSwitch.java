package io.octoagent.gateway.store;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.Priorities;
import jakarta.annotation.Priority;
import java.util.Locale;
import java.util.Map;

/**
 * The Quarkus datasource follows the service's own settings: it is active only with
 * {@code OCTOAGENT_STORE=postgres}, and its URL comes from
 * {@code OCTOAGENT_DB_URL} ({@code postgresql://…}; the {@code jdbc:} prefix is added when
 * missing); the credentials are read in application.yaml from {@code OCTOAGENT_DB_USER} and
 * {@code OCTOAGENT_DB_PASSWORD}. A {@code quarkus.datasource.*} value set explicitly wins.
 * With SQLite, no pool is created and Flyway for PostgreSQL does not run.
 */
@Priority(Priorities.APPLICATION)
public class DatasourceSwitch implements ConfigSourceInterceptor {

    static final String ACTIVE = "quarkus.datasource.active";
    static final String URL = "quarkus.datasource.jdbc.url";
    private static final Map<String, String> DERIVED = Map.of(URL, "octoagent.db.url");

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        ConfigValue value = context.proceed(name);
        boolean active = ACTIVE.equals(name);
        if ((!active && !DERIVED.containsKey(name)) || isSet(value)) {
            return value;
        }
        String derived;
        if (active) {
            ConfigValue store = context.proceed("octoagent.store");
            derived = String.valueOf(store != null && store.getValue() != null
                    && "postgres".equals(store.getValue().trim().toLowerCase(Locale.ROOT)));
        } else {
            ConfigValue source = context.proceed(DERIVED.get(name));
            if (!isSet(source)) {
                return value;
            }
            derived = source.getValue().trim();
            if (URL.equals(name) && !derived.startsWith("jdbc:")) {
                derived = "jdbc:" + derived;
            }
        }
        return ConfigValue.builder()
                .withName(name)
                .withValue(derived)
                .withConfigSourceName("derived from OCTOAGENT_STORE and OCTOAGENT_DB_*")
                .withConfigSourceOrdinal(Integer.MIN_VALUE + 1)
                .build();
    }

    private static boolean isSet(ConfigValue value) {
        return value != null && value.getValue() != null && !value.getValue().isBlank()
                && value.getConfigSourceOrdinal() > Integer.MIN_VALUE;
    }
}
