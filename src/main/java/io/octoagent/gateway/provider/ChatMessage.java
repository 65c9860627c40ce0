package io.octoagent.gateway.provider;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/** One chat message in OpenAI form. */
@RegisterForReflection
public record ChatMessage(String role, String content) {

    public static ChatMessage user(String content) {
        return new ChatMessage("user", content);
    }

    /** The content of the last user message, or "" when there is none. */
    public static String lastUserContent(List<ChatMessage> messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            if ("user".equals(messages.get(i).role())) {
                return messages.get(i).content() == null ? "" : messages.get(i).content();
            }
        }
        return "";
    }
}
