package io.octoagent.gateway.deploy;

import io.octoagent.gateway.config.GatewayConfig;
import io.smallrye.config.WithName;
import io.smallrye.config.WithParentName;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The environment variables the gateway reads, derived from its {@code @ConfigMapping}: each
 * property {@code octoagent.a.b-c} is {@code OCTOAGENT_A_B_C}, except the two proxy settings,
 * which application.yaml reads from the names the LiteLLM world uses.
 */
final class ConfiguredVariables {

    private static final Map<String, String> RENAMED = Map.of(
            "OCTOAGENT_LLM_PROXY_URL", "LITELLM_PROXY_URL",
            "OCTOAGENT_LLM_PROXY_KEY", "LITELLM_PROXY_KEY");

    private ConfiguredVariables() {
    }

    static Set<String> all() {
        Set<String> variables = new TreeSet<>();
        collect(GatewayConfig.class, "OCTOAGENT", variables);
        return variables;
    }

    private static void collect(Class<?> mapping, String prefix, Set<String> variables) {
        for (Method method : mapping.getDeclaredMethods()) {
            if (method.isDefault() || method.isSynthetic() || method.getParameterCount() > 0) {
                continue;
            }
            WithName renamed = method.getAnnotation(WithName.class);
            String property = renamed != null ? renamed.value() : kebab(method.getName());
            String variable = method.isAnnotationPresent(WithParentName.class) ? prefix
                    : prefix + "_" + property.toUpperCase(Locale.ROOT).replace('-', '_');
            Class<?> type = method.getReturnType();
            if (Map.class.isAssignableFrom(type) || List.class.isAssignableFrom(type)) {
                continue; // the alias registry and budgets: structured, set in application.yaml (or a file)
            }
            if (type.isInterface() && type.getName().startsWith(GatewayConfig.class.getName() + "$")) {
                collect(type, variable, variables);
            } else if (type == String.class || type == Optional.class || type.isPrimitive()) {
                variables.add(RENAMED.getOrDefault(variable, variable));
            }
        }
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }
}
