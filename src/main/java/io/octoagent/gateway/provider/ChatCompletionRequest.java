package io.octoagent.gateway.provider;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;
import java.util.Map;

/**
 * Body of {@code POST /chat/completions}; {@code model} is the LiteLLM runtime group, {@code user}
 * and {@code metadata} attribute the call in the proxy's spend logs.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChatCompletionRequest(String model, List<ChatMessage> messages, Double temperature, Integer maxTokens,
                                    String user, Map<String, Object> metadata) {
}
