package io.octoagent.gateway.provider;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/**
 * The LiteLLM Proxy's HTTP API, as raw responses: the service needs the {@code x-litellm-*}
 * headers as much as the body, and decides itself what an error status means. Only
 * {@link LiteLlmClient} uses it.
 */
@Path("/")
@RegisterRestClient(configKey = "litellm")
interface LiteLlmRestClient {

    /**
     * {@code authorization} is {@code Bearer <key>} or null (no header); {@code traceParent} the
     * W3C header of the call's span, or null.
     */
    @POST
    @Path("chat/completions")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    Uni<Response> chatCompletions(@HeaderParam("Authorization") String authorization,
                                  @HeaderParam("traceparent") String traceParent, ChatCompletionRequest request);

    @GET
    @Path("model/info")
    @Produces(MediaType.APPLICATION_JSON)
    Uni<Response> modelInfo(@HeaderParam("Authorization") String authorization);

    @GET
    @Path("health/liveliness")
    Uni<Response> liveliness();
}
