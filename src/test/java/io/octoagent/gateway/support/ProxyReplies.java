package io.octoagent.gateway.support;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import java.util.UUID;

/** {@code POST /chat/completions} answers shaped like the observed LiteLLM Proxy's. */
public final class ProxyReplies {

    private ProxyReplies() {
    }

    /** Requests for one runtime group. */
    public static MappingBuilder completionFor(String group) {
        return post(urlEqualTo("/chat/completions"))
                .withRequestBody(matchingJsonPath("$.model", equalTo(group)));
    }

    /**
     * A success: {@code bodyModel} is what the body's {@code model} says (the underlying model in
     * 1.77.1, the group name in newer versions); {@code cost} null means no cost header.
     */
    public static ResponseDefinitionBuilder success(String content, String bodyModel, String group, String modelId,
                                                    String cost, int prompt, int completion) {
        ResponseDefinitionBuilder response = aResponse()
                .withStatus(200)
                .withHeader("content-type", "application/json")
                .withHeader("x-litellm-call-id", UUID.randomUUID().toString())
                .withHeader("x-litellm-model-id", modelId)
                .withHeader("x-litellm-model-api-base", "https://api.openai.com")
                .withHeader("x-litellm-version", "1.77.1")
                .withHeader("x-litellm-key-spend", "0.0")
                .withHeader("x-litellm-model-group", group)
                .withHeader("x-litellm-attempted-retries", "0")
                .withHeader("x-litellm-attempted-fallbacks", "0")
                .withBody("{\"id\":\"chatcmpl-" + UUID.randomUUID() + "\",\"created\":1795666948,\"model\":\""
                        + bodyModel + "\",\"object\":\"chat.completion\",\"choices\":[{\"finish_reason\":\"stop\","
                        + "\"index\":0,\"message\":{\"content\":\"" + content + "\",\"role\":\"assistant\"}}],"
                        + "\"usage\":{\"completion_tokens\":" + completion + ",\"prompt_tokens\":" + prompt
                        + ",\"total_tokens\":" + (prompt + completion) + "}}");
        if (cost != null) {
            response.withHeader("x-litellm-response-cost", cost);
        }
        return response;
    }

    /** An error exactly as the proxy shapes it ({@code code} is a string). */
    public static ResponseDefinitionBuilder error(int status, String type, String message) {
        return aResponse()
                .withStatus(status)
                .withHeader("content-type", "application/json")
                .withHeader("x-litellm-response-cost", "0")
                .withBody("{\"error\":{\"message\":\"" + message + "\",\"type\":\"" + type
                        + "\",\"param\":\"None\",\"code\":\"" + status + "\"}}");
    }
}
