package io.octoagent.gateway.store;

import static io.octoagent.gateway.config.ConfigValues.derived;
import static io.octoagent.gateway.config.ConfigValues.isSet;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.Priorities;
import jakarta.annotation.Priority;
import java.util.Locale;

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
    private static final String REASON = "derived from OCTOAGENT_STORE and OCTOAGENT_DB_URL";

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        ConfigValue value = context.proceed(name);
        if ((!ACTIVE.equals(name) && !URL.equals(name)) || isSet(value)) {
            return value;
        }
        if (ACTIVE.equals(name)) {
            ConfigValue store = context.proceed("octoagent.store");
            boolean postgres = store != null && store.getValue() != null
                    && "postgres".equals(store.getValue().trim().toLowerCase(Locale.ROOT));
            return derived(name, String.valueOf(postgres), REASON);
        }
        ConfigValue url = context.proceed("octoagent.db.url");
        if (!isSet(url)) {
            return value;
        }
        String jdbc = url.getValue().trim();
        return derived(name, jdbc.startsWith("jdbc:") ? jdbc : "jdbc:" + jdbc, REASON);
    }
}
