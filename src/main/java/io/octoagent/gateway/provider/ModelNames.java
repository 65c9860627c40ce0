package io.octoagent.gateway.provider;

/** LiteLLM model names may carry a {@code provider/} prefix: {@code openai/gpt-4o-mini}. */
final class ModelNames {

    private ModelNames() {
    }

    static String withoutProvider(String model) {
        if (model == null) {
            return "";
        }
        int slash = model.indexOf('/');
        return slash >= 0 ? model.substring(slash + 1) : model;
    }

    static String providerPrefix(String model) {
        if (model == null) {
            return "";
        }
        int slash = model.indexOf('/');
        return slash > 0 ? model.substring(0, slash) : "";
    }
}
