package io.octoagent.gateway.provider;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/** Body of {@code POST /chat/completions}; {@code model} is the LiteLLM runtime group. */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChatCompletionRequest(String model, List<ChatMessage> messages, Double temperature, Integer maxTokens) {
}
