package io.octoagent.gateway.provider;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A semantic model name (what the work needs) mapped to the LiteLLM group that serves it. */
@RegisterForReflection
public record ModelAlias(String name, String category, String runtimeGroup, String description) {
}
