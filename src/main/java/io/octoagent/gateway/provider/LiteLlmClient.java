package io.octoagent.gateway.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.logging.Log;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Fallback;
import io.smallrye.faulttolerance.api.CircuitBreakerName;
import org.jboss.resteasy.reactive.client.api.QuarkusRestClientProperties;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

/**
 * The guarded LiteLLM Proxy client. {@link #complete} is protected by a timeout (from
 * {@code OCTOAGENT_LLM_TIMEOUT_S}), a circuit breaker that counts only timeouts — a hung proxy
 * stops costing a full timeout per task and is probed again after the breaker's delay — and a
 * fallback to the echo model. A refused connection fails fast and is not held against the
 * proxy, so the first call after it comes back reaches it (lazy probe, no "degraded" flag).
 */
@ApplicationScoped
public class LiteLlmClient {

    /** The circuit breaker's name, for {@code CircuitBreakerMaintenance}. */
    public static final String BREAKER = "litellm-proxy";
    static final String MODEL_ID_HEADER = "x-litellm-model-id";
    /** Connections beyond the call slots, so health checks and /model/info never queue behind calls. */
    static final int SPARE_CONNECTIONS = 4;
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(5);

    private final LiteLlmRestClient rest;
    private final ProviderSettings settings;
    private final CostTracker costs;
    private final PriceTable prices;
    private final EchoMessageAdapter echo;
    private final ObjectMapper mapper;
    private final ModelInfoCache deployments;

    public LiteLlmClient(ProviderSettings settings, CostTracker costs, PriceTable prices, EchoMessageAdapter echo,
                         ObjectMapper mapper) {
        this.settings = settings;
        this.costs = costs;
        this.prices = prices;
        this.echo = echo;
        this.mapper = mapper;
        this.rest = QuarkusRestClientBuilder.newBuilder()
                .baseUri(settings.proxyUrl())
                .connectTimeout(CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                // The per-call timeout decides; this is only a backstop.
                .readTimeout(settings.timeoutSeconds() + 5L, TimeUnit.SECONDS)
                .property(QuarkusRestClientProperties.CONNECTION_POOL_SIZE,
                        settings.maxConcurrency() + SPARE_CONNECTIONS)
                .property("microprofile.rest.client.disable.default.mapper", true)
                .build(LiteLlmRestClient.class);
        this.deployments = new ModelInfoCache(mapper, () -> rest.modelInfo(authorization()).map(this::reply));
    }

    /**
     * One chat completion through the proxy, for the given alias and runtime group. The timeout
     * runs on the HTTP request itself (its subscription is the request going out, and the pool
     * holds a connection for every call the dispatcher lets run), and firing it, like
     * {@code cancellation}, closes the connection at once.
     */
    @CircuitBreaker(failOn = TimeoutException.class, requestVolumeThreshold = 4, failureRatio = 0.5,
            delay = 30, delayUnit = ChronoUnit.SECONDS, successThreshold = 1)
    @CircuitBreakerName(BREAKER)
    @Fallback(fallbackMethod = "fallbackComplete", skipOn = CallCancelledException.class)
    public Uni<ModelCallResult> complete(String modelAlias, String runtimeGroup, List<ChatMessage> messages,
                                         CallCancellation cancellation) {
        long start = System.nanoTime();
        ChatCompletionRequest request = new ChatCompletionRequest(runtimeGroup, messages, settings.temperature(), null);
        Duration timeout = Duration.ofSeconds(settings.timeoutSeconds());
        return cancellation.guard(rest.chatCompletions(authorization(), request)
                        .ifNoItem().after(timeout).failWith(() -> new TimeoutException("no answer within " + timeout)))
                .map(this::reply)
                .onFailure(LiteLlmClient::isConnectionFailure).transform(this::unreachable)
                .chain(reply -> toResult(modelAlias, runtimeGroup, reply, start));
    }

    /** The echo model answers instead, saying why; with {@code OCTOAGENT_LLM_FALLBACK=none} the failure stands. */
    Uni<ModelCallResult> fallbackComplete(String modelAlias, String runtimeGroup, List<ChatMessage> messages,
                                          CallCancellation cancellation, Throwable failure) {
        ProviderException cause = normalise(failure);
        if (settings.fallback() == ProviderSettings.FallbackPolicy.NONE) {
            return Uni.createFrom().failure(cause);
        }
        Log.warnf("Model call for %s (group %s) falls back to echo: %s", modelAlias, runtimeGroup, cause.getMessage());
        return Uni.createFrom().item(() -> echo.answer(modelAlias, messages).asFallback(cause.getMessage()));
    }

    /** {@code GET /health/liveliness} with its own 5 s timeout; never fails. */
    public Uni<ProxyHealth> healthCheck() {
        return rest.liveliness()
                .map(this::reply)
                .map(reply -> reply.status() == 200 ? ProxyHealth.OK : ProxyHealth.error("status " + reply.status()))
                .ifNoItem().after(HEALTH_TIMEOUT).fail()
                .onFailure().recoverWithItem(failure -> isConnectionFailure(failure)
                        ? ProxyHealth.UNREACHABLE
                        : ProxyHealth.error(describe(failure)));
    }

    private Uni<ModelCallResult> toResult(String modelAlias, String runtimeGroup, ProxyReply reply, long start) {
        if (reply.status() != 200) {
            return Uni.createFrom().failure(new ProxyHttpException(reply.status(), errorMessage(reply)));
        }
        JsonNode body;
        try {
            body = mapper.readTree(reply.body());
        } catch (IOException e) {
            return Uni.createFrom().failure(malformed("the body is not JSON"));
        }
        JsonNode choices = body == null ? null : body.get("choices");
        if (choices == null || !choices.isArray() || choices.isEmpty() || !choices.get(0).path("message").isObject()) {
            return Uni.createFrom().failure(malformed("no choices[0].message in the body"));
        }
        JsonNode content = choices.get(0).path("message").get("content");
        String text = content == null || content.isNull() ? "" : content.asText();
        TokenUsage usage = CostTracker.parseUsage(body.get("usage"));
        // Parsed JSON may unescape what the raw-text redaction could not see: redact again.
        String bodyModel = settings.redact(body.path("model").asText(""));
        return deployments.lookup(reply.header(MODEL_ID_HEADER))
                .map(deployment -> {
                    ServedModel served = ServedModel.of(deployment.orElse(null), bodyModel, prices);
                    CostTracker.Cost cost = costs.price(reply.header(CostTracker.COST_HEADER), usage,
                            deployment.orElse(null), served.name(), served.provider());
                    return new ModelCallResult(settings.redact(text), modelAlias, settings.redact(served.name()),
                            settings.redact(served.provider()),
                            (System.nanoTime() - start) / 1_000_000, usage, cost.usd(), cost.unavailable(),
                            cost.source(), false, "");
                });
    }

    /** Every reply is redacted before anything reads it: a proxy may echo the key in any field. */
    private ProxyReply reply(Response response) {
        return ProxyReply.of(response).redacted(settings::redact);
    }

    private ProxyUnreachableException unreachable(Throwable failure) {
        String message = failure.getMessage();
        return new ProxyUnreachableException(settings.proxyUrl().toString(),
                message == null || message.isBlank() ? failure.getClass().getSimpleName() : bounded(settings.redact(message)),
                failure);
    }

    private String authorization() {
        return settings.authorization().orElse(null);
    }

    private ProviderException malformed(String detail) {
        return new ProviderException("malformed_response", "malformed proxy response: " + detail, true, null);
    }

    /** The proxy's {@code error.message}, or a bounded slice of the raw body. */
    private String errorMessage(ProxyReply reply) {
        try {
            JsonNode message = mapper.readTree(reply.body()).path("error").path("message");
            if (message.isTextual() && !message.asText().isBlank()) {
                return bounded(settings.redact(message.asText()));
            }
        } catch (IOException | RuntimeException e) {
            // not the documented error shape: fall through to the raw body
        }
        return reply.body() == null || reply.body().isBlank() ? "(empty body)" : bounded(reply.body());
    }

    private ProviderException normalise(Throwable failure) {
        if (failure instanceof ProviderException) {
            return (ProviderException) failure;
        }
        if (failure instanceof TimeoutException) {
            return new ProviderException("timeout", "timeout after " + settings.timeoutSeconds() + " s", true, failure);
        }
        if (failure instanceof CircuitBreakerOpenException) {
            return new ProviderException("circuit_open", "proxy calls paused after repeated timeouts (circuit open)",
                    true, failure);
        }
        if (isConnectionFailure(failure)) {
            return unreachable(failure);
        }
        return new ProviderException("proxy_error", "proxy call failed: " + describe(failure), true,
                failure);
    }

    static boolean isConnectionFailure(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectException || cause instanceof UnknownHostException
                    || cause instanceof ClosedChannelException
                    || cause.getClass().getSimpleName().contains("ConnectException")
                    || cause.getClass().getSimpleName().equals("ConnectTimeoutException")) {
                return true;
            }
        }
        return false;
    }

    /** Redacted first, then cut: a key straddling the cut must not leave its prefix behind. */
    private String describe(Throwable failure) {
        String message = failure.getMessage();
        return failure.getClass().getSimpleName() + (message == null ? "" : ": " + bounded(settings.redact(message)));
    }

    private static String bounded(String text) {
        String single = text.replaceAll("\\s+", " ").trim();
        return single.length() <= 300 ? single : single.substring(0, 300) + "…";
    }
}
