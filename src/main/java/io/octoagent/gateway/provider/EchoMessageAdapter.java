package io.octoagent.gateway.provider;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** The model of last resort: answers with the last user message. Free, local, always up. */
@ApplicationScoped
public class EchoMessageAdapter {

    public static final String MODEL = "echo";

    public ModelCallResult answer(String modelAlias, List<ChatMessage> messages) {
        long start = System.nanoTime();
        String content = "Echo: " + ChatMessage.lastUserContent(messages);
        // Echo costs nothing by definition: no table priced it (cost_source "none"), and it is not
        // "unavailable" either.
        return new ModelCallResult(content, modelAlias, MODEL, MODEL, (System.nanoTime() - start) / 1_000_000,
                TokenUsage.NONE, 0.0, false, CostSource.NONE, false, "", "", null);
    }
}
