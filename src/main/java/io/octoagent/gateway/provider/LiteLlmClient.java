package io.octoagent.gateway.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.octoagent.gateway.config.ServiceSettings;
import io.quarkus.logging.Log;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.faulttolerance.api.Guard;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.util.TypeLiteral;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.tracing.TracingPolicy;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ContextResolver;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.jboss.resteasy.reactive.client.api.QuarkusRestClientProperties;

/**
 * The guarded LiteLLM Proxy client. Each call has a timeout on the HTTP request itself (from
 * {@code OCTOAGENT_LLM_TIMEOUT_S}); each runtime group has its own circuit breaker that counts
 * only timeouts — a hung deployment stops costing a full timeout per task, is probed again after
 * the breaker's delay, and cannot degrade the other groups — and every failure except a
 * cancellation falls back to the echo model. A refused connection fails fast and is not held
 * against the proxy, so the first call after it comes back reaches it (no "degraded" flag).
 */
@ApplicationScoped
public class LiteLlmClient {

    /** Breakers are named {@code litellm-<runtime group>}, for {@code CircuitBreakerMaintenance}. */
    public static final String BREAKER_PREFIX = "litellm-";
    static final String MODEL_ID_HEADER = "x-litellm-model-id";
    /** Connections beyond the call slots, so health checks and /model/info never queue behind calls. */
    static final int SPARE_CONNECTIONS = 4;
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(5);
    /** How long an authenticated health probe's answer is reused: probes every few seconds cost nothing. */
    static final Duration HEALTH_CACHE = Duration.ofSeconds(10);
    /** Time the retried call must still have after waiting out a 429's Retry-After. */
    static final Duration RETRY_MARGIN = Duration.ofMillis(500);
    private static final TypeLiteral<Uni<ModelCallResult>> UNI_RESULT = new TypeLiteral<>() {
    };

    private final LiteLlmRestClient rest;
    private final ProviderSettings settings;
    private final CostTracker costs;
    private final PriceTable prices;
    private final EchoMessageAdapter echo;
    private final ObjectMapper mapper;
    private final ModelInfoCache deployments;
    private final Map<String, Guard> breakers = new ConcurrentHashMap<>();
    private volatile CachedHealth health;

    public LiteLlmClient(ProviderSettings settings, ServiceSettings service, CostTracker costs, PriceTable prices,
                         EchoMessageAdapter echo, ObjectMapper mapper) {
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
                        service.maxConcurrency() + SPARE_CONNECTIONS)
                .property("microprofile.rest.client.disable.default.mapper", true)
                .register(UntracedConnections.class)
                .build(LiteLlmRestClient.class);
        this.deployments = new ModelInfoCache(mapper, () -> rest.modelInfo(authorization()).map(this::reply));
    }

    /**
     * One chat completion through the proxy for the given alias and runtime group, behind that
     * group's breaker; the echo model answers when it fails (unless it was cancelled).
     */
    public Uni<ModelCallResult> complete(String modelAlias, String runtimeGroup, int maxTokens,
                                         List<ChatMessage> messages, CallAttribution attribution,
                                         CallCancellation cancellation) {
        long start = System.nanoTime();
        ChatCompletionRequest request = new ChatCompletionRequest(runtimeGroup, messages, settings.temperature(), maxTokens,
                attribution == null ? null : attribution.owner(), attribution == null ? null : attribution.metadata());
        String traceParent = attribution == null ? null : attribution.traceParent();
        return breakerOf(runtimeGroup).get(() -> callOnce(modelAlias, runtimeGroup, request, traceParent, cancellation,
                                start)
                        .onFailure(failure -> rateLimitRetryDelay(failure, start) != null)
                        .recoverWithUni(failure -> callAgainAfter(rateLimitRetryDelay(failure, start), modelAlias,
                                runtimeGroup, request, traceParent, cancellation, start)), UNI_RESULT)
                .onFailure(failure -> !(failure instanceof CallCancelledException))
                .recoverWithUni(failure -> fallback(modelAlias, runtimeGroup, messages, failure));
    }

    /**
     * The HTTP request, with the time left of the call's budget as its timeout: it measures the
     * call on the wire, and firing it, like {@code cancellation}, closes the connection at once.
     */
    private Uni<ModelCallResult> callOnce(String modelAlias, String runtimeGroup, ChatCompletionRequest request,
                                          String traceParent, CallCancellation cancellation, long start) {
        Duration left = remaining(start);
        return cancellation.guard(rest.chatCompletions(authorization(), traceParent, request)
                        .ifNoItem().after(left).failWith(() -> new TimeoutException("no answer within " + left)))
                .map(this::reply)
                .onFailure(LiteLlmClient::isConnectionFailure).transform(this::unreachable)
                .chain(reply -> toResult(modelAlias, runtimeGroup, reply, start));
    }

    /** One more try after the proxy's Retry-After (a 429 is worth one retry when the budget allows). */
    private Uni<ModelCallResult> callAgainAfter(Duration delay, String modelAlias, String runtimeGroup,
                                                ChatCompletionRequest request, String traceParent,
                                                CallCancellation cancellation, long start) {
        Log.infof("Group %s is rate limited; trying again in %d s as the proxy asks", runtimeGroup, delay.toSeconds());
        return Uni.createFrom().voidItem().onItem().delayIt().by(delay)
                .chain(() -> callOnce(modelAlias, runtimeGroup, request, traceParent, cancellation, start));
    }

    /** The proxy's Retry-After when {@code failure} is a first 429 and waiting still leaves time to call. */
    private Duration rateLimitRetryDelay(Throwable failure, long start) {
        if (!(failure instanceof ProxyHttpException) || ((ProxyHttpException) failure).status() != 429
                || ((ProxyHttpException) failure).retryAfterSeconds() == null) {
            return null;
        }
        Duration delay = Duration.ofSeconds(((ProxyHttpException) failure).retryAfterSeconds());
        return delay.plus(RETRY_MARGIN).compareTo(remaining(start)) < 0 ? delay : null;
    }

    private Duration remaining(long start) {
        long leftNanos = TimeUnit.SECONDS.toNanos(settings.timeoutSeconds()) - (System.nanoTime() - start);
        return Duration.ofNanos(Math.max(TimeUnit.MILLISECONDS.toNanos(1), leftNanos));
    }

    /** The breaker of one runtime group, made on first use (groups are the few the registry knows). */
    private Guard breakerOf(String runtimeGroup) {
        return breakers.computeIfAbsent(runtimeGroup, group -> Guard.create()
                .withDescription("LiteLLM group " + group)
                .withCircuitBreaker()
                .name(BREAKER_PREFIX + group)
                .failOn(TimeoutException.class)
                .requestVolumeThreshold(4)
                .failureRatio(0.5)
                .delay(settings.breakerDelay().toMillis(), ChronoUnit.MILLIS)
                .successThreshold(1)
                .done()
                .build());
    }

    /** The echo model answers instead, saying why; with {@code OCTOAGENT_LLM_FALLBACK=none} the failure stands. */
    private Uni<ModelCallResult> fallback(String modelAlias, String runtimeGroup, List<ChatMessage> messages,
                                          Throwable failure) {
        ProviderException cause = normalise(failure);
        if (settings.fallback() == ProviderSettings.FallbackPolicy.NONE) {
            return Uni.createFrom().failure(cause);
        }
        Log.warnf("Model call for %s (group %s) falls back to echo: %s", modelAlias, runtimeGroup, cause.getMessage());
        return Uni.createFrom().item(() -> echo.answer(modelAlias, messages).asFallback(cause.kind(), cause.getMessage())
                .requestedFrom(runtimeGroup));
    }

    /**
     * The proxy is alive ({@code GET /health/liveliness}, no key needed) and takes our key (an
     * authenticated {@code GET /model/info}): a refused key would otherwise look healthy while
     * every task degrades to echo. Each probe has a 5 s timeout; the answer is reused for 10 s.
     * Never fails.
     */
    public Uni<ProxyHealth> healthCheck() {
        CachedHealth cached = health;
        if (cached != null && System.nanoTime() - cached.atNanos() < HEALTH_CACHE.toNanos()) {
            return Uni.createFrom().item(cached.health());
        }
        return rest.liveliness()
                .map(this::reply)
                .chain(alive -> alive.status() != 200 ? Uni.createFrom().item(ProxyHealth.error("status " + alive.status()))
                        : rest.modelInfo(authorization()).map(this::reply).map(this::authenticatedHealth))
                .ifNoItem().after(HEALTH_TIMEOUT).fail()
                .onFailure().recoverWithItem(failure -> isConnectionFailure(failure)
                        ? ProxyHealth.UNREACHABLE
                        : ProxyHealth.error(describe(failure)))
                .invoke(result -> health = new CachedHealth(result, System.nanoTime()));
    }

    /**
     * The highest input and output prices a call to {@code group} could be billed at: over the
     * group's deployments and the groups the proxy may fall back to from it ({@code fallbacks});
     * when those are not known, over every price the proxy lists. Empty when a deployment that
     * could serve the call has no price (from the proxy or the price table), or the group has none.
     */
    public Uni<Optional<ModelPrice>> priceCeiling(String group, Optional<List<String>> fallbacks) {
        return deployments.all().map(all -> {
            List<Deployment> own = all.stream().filter(deployment -> deployment.group().equals(group)).toList();
            if (own.isEmpty()) {
                return Optional.empty();
            }
            List<Deployment> strict = new ArrayList<>(own);
            fallbacks.ifPresent(groups -> all.stream().filter(deployment -> groups.contains(deployment.group()))
                    .forEach(strict::add));
            double input = 0;
            double output = 0;
            for (Deployment deployment : strict) {
                Optional<ModelPrice> price = priceOf(deployment);
                if (price.isEmpty()) {
                    return Optional.empty();
                }
                input = Math.max(input, price.get().inputCostPerToken());
                output = Math.max(output, price.get().outputCostPerToken());
            }
            if (fallbacks.isEmpty()) {
                // The proxy's own fallbacks are unknown: any priced deployment could bill the call.
                for (Deployment deployment : all) {
                    Optional<ModelPrice> price = priceOf(deployment);
                    if (price.isPresent()) {
                        input = Math.max(input, price.get().inputCostPerToken());
                        output = Math.max(output, price.get().outputCostPerToken());
                    }
                }
            }
            return Optional.of(new ModelPrice(input, output, ""));
        });
    }

    private Optional<ModelPrice> priceOf(Deployment deployment) {
        if (deployment.inputCostPerToken() != null && deployment.outputCostPerToken() != null) {
            return Optional.of(new ModelPrice(deployment.inputCostPerToken(), deployment.outputCostPerToken(),
                    deployment.provider()));
        }
        return prices.lookup(deployment.modelName(), deployment.provider());
    }

    /** Drops the reused health answer: the next check asks the proxy (after a key rotation, and in tests). */
    public void forgetHealth() {
        health = null;
    }

    private ProxyHealth authenticatedHealth(ProxyReply reply) {
        if (reply.status() == 200) {
            return ProxyHealth.OK;
        }
        String kind = ProxyHttpException.kindOf(reply.status(), errorType(reply));
        return ProxyHealth.error(kind.equals("unauthorized") ? "unauthorized" : "status " + reply.status());
    }

    private record CachedHealth(ProxyHealth health, long atNanos) {
    }

    /**
     * The proxy connections make no HTTP client spans of their own: a chat call is already the
     * {@code chat <group>} client span, whose {@code traceparent} is sent explicitly (the HTTP
     * client would otherwise start a separate trace per request, health probes included).
     */
    @RegisterForReflection // registered by class: the REST client instantiates it
    public static final class UntracedConnections implements ContextResolver<HttpClientOptions> {
        @Override
        public HttpClientOptions getContext(Class<?> type) {
            return new HttpClientOptions().setTracingPolicy(TracingPolicy.IGNORE);
        }
    }

    private Uni<ModelCallResult> toResult(String modelAlias, String runtimeGroup, ProxyReply reply, long start) {
        if (reply.status() != 200) {
            return Uni.createFrom().failure(new ProxyHttpException(reply.status(), errorType(reply), errorMessage(reply),
                    retryAfter(reply)));
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
        ProxyRoute route = ProxyRoute.of(runtimeGroup, reply);
        return deployments.lookup(reply.header(MODEL_ID_HEADER))
                .map(deployment -> {
                    ServedModel served = ServedModel.of(deployment.orElse(null), bodyModel, prices);
                    CostTracker.Cost cost = costs.price(reply.header(CostTracker.COST_HEADER), usage,
                            deployment.orElse(null), served.name(), served.provider());
                    return new ModelCallResult(settings.redact(text), modelAlias, settings.redact(served.name()),
                            settings.redact(served.provider()),
                            (System.nanoTime() - start) / 1_000_000, usage, cost.usd(), cost.unavailable(),
                            cost.source(), false, "", "", route);
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

    /** LiteLLM's {@code error.type} ({@code auth_error}, {@code throttling_error}, {@code budget_exceeded}…), if any. */
    private String errorType(ProxyReply reply) {
        try {
            JsonNode type = mapper.readTree(reply.body()).path("error").path("type");
            return type.isTextual() ? bounded(settings.redact(type.asText())) : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** {@code Retry-After} in seconds (the form LiteLLM sends), if present. */
    private static Long retryAfter(ProxyReply reply) {
        String value = reply.header("retry-after");
        try {
            return value == null ? null : Math.max(0, Long.parseLong(value.trim()));
        } catch (NumberFormatException e) {
            return null;
        }
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
            return new ProviderException("circuit_open", "calls to this group paused after repeated timeouts "
                    + "(circuit open)", true, failure);
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
