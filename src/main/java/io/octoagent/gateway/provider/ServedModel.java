package io.octoagent.gateway.provider;

/**
 * The model that really served a call, and its provider: the deployment named by
 * {@code x-litellm-model-id} when the proxy's {@code /model/info} knows it, else the body's
 * {@code model}; the provider from the deployment, a {@code provider/} prefix or the price table.
 */
record ServedModel(String name, String provider) {

    static ServedModel of(Deployment deployment, String bodyModel, PriceTable prices) {
        if (deployment != null && !deployment.model().isBlank()) {
            return new ServedModel(deployment.modelName(), deployment.provider());
        }
        String name = ModelNames.withoutProvider(bodyModel);
        String provider = ModelNames.providerPrefix(bodyModel);
        if (provider.isEmpty()) {
            provider = prices.lookup(name, null).map(ModelPrice::provider).orElse("");
        }
        return new ServedModel(name, provider);
    }
}
