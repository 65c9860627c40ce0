package io.octoagent.gateway.provider;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** The one entry point for model calls: alias in, {@link ModelCallResult} out. */
@ApplicationScoped
public class LlmService {

    private final AliasRegistry aliases;
    private final EchoMessageAdapter echo;

    public LlmService(AliasRegistry aliases, EchoMessageAdapter echo) {
        this.aliases = aliases;
        this.echo = echo;
    }

    public Uni<ModelCallResult> call(String modelAlias, String prompt) {
        return call(modelAlias, List.of(ChatMessage.user(prompt)));
    }

    public Uni<ModelCallResult> call(String modelAlias, List<ChatMessage> messages) {
        return Uni.createFrom().item(() -> echo.answer(modelAlias, messages));
    }

    /** The LiteLLM group a call for {@code modelAlias} goes to. */
    public String runtimeGroup(String modelAlias) {
        return aliases.resolve(modelAlias);
    }
}
