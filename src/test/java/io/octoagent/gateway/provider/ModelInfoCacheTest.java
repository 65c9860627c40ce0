package io.octoagent.gateway.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The proxy's deployments by x-litellm-model-id, fetched from /model/info on a miss. */
class ModelInfoCacheTest {

    static final ObjectMapper MAPPER = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
    static final Duration WAIT = Duration.ofSeconds(10);

    static final String CHEAP_ID = "40c3c79a0cc97eee96faae635cae32f1f09b2791f54edbb6b2a9b383562601c7";
    static final String FALLBACK_ID = "fc8f64f3b0e5e1a2c6d7f8e9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9";

    static final String CHEAP_ENTRY = """
            {"model_name":"cheap",
             "litellm_params":{"model":"openai/gpt-4o-mini","mock_response":"cheap says hi"},
             "model_info":{"id":"%s","key":"gpt-4o-mini","litellm_provider":"openai","mode":"chat",
                           "input_cost_per_token":1.5e-07,"output_cost_per_token":6e-07,
                           "cache_read_input_token_cost":7.5e-08,"max_input_tokens":128000}}
            """.formatted(CHEAP_ID);
    static final String FALLBACK_ENTRY = """
            {"model_name":"fallback",
             "litellm_params":{"model":"anthropic/claude-3-5-haiku-20241022"},
             "model_info":{"id":"%s","key":"claude-3-5-haiku-20241022","litellm_provider":"anthropic","mode":"chat",
                           "input_cost_per_token":8e-07,"output_cost_per_token":4e-06,"max_input_tokens":200000}}
            """.formatted(FALLBACK_ID);
    /** GET /model/info with two deployments, as LiteLLM 1.77.1 answers it. */
    static final String MODEL_INFO = "{\"data\":[" + CHEAP_ENTRY + "," + FALLBACK_ENTRY + "]}";

    /** A fetch that answers with the given replies in turn (the last one repeatedly) and counts calls. */
    static final class FakeFetch implements Supplier<Uni<ProxyReply>> {
        final AtomicInteger calls = new AtomicInteger();
        final List<Supplier<Uni<ProxyReply>>> replies;

        @SafeVarargs
        FakeFetch(Supplier<Uni<ProxyReply>>... replies) {
            this.replies = List.of(replies);
        }

        @Override
        public Uni<ProxyReply> get() {
            int call = calls.getAndIncrement();
            return replies.get(Math.min(call, replies.size() - 1)).get();
        }
    }

    static Supplier<Uni<ProxyReply>> reply(int status, String body) {
        return () -> Uni.createFrom().item(new ProxyReply(status, Map.of(), body));
    }

    static Supplier<Uni<ProxyReply>> failure(String message) {
        return () -> Uni.createFrom().failure(new RuntimeException(message));
    }

    private static Optional<Deployment> await(Uni<Optional<Deployment>> lookup) {
        return lookup.await().atMost(WAIT);
    }

    @Test
    void lookupByIdReturnsTheDeployment() {
        ModelInfoCache cache = new ModelInfoCache(MAPPER, new FakeFetch(reply(200, MODEL_INFO)));
        Deployment cheap = await(cache.lookup(CHEAP_ID)).orElseThrow();
        assertEquals(CHEAP_ID, cheap.id());
        assertEquals("cheap", cheap.group());
        assertEquals("openai/gpt-4o-mini", cheap.model());
        assertEquals("gpt-4o-mini", cheap.modelName());
        assertEquals("openai", cheap.provider());
        assertEquals(1.5e-7, cheap.inputCostPerToken(), 0.0);
        assertEquals(6e-7, cheap.outputCostPerToken(), 0.0);
    }

    @Test
    void secondDeploymentIsServedFromTheSameFetch() {
        FakeFetch fetch = new FakeFetch(reply(200, MODEL_INFO));
        ModelInfoCache cache = new ModelInfoCache(MAPPER, fetch);
        await(cache.lookup(CHEAP_ID));
        Deployment fallback = await(cache.lookup(FALLBACK_ID)).orElseThrow();
        assertEquals("fallback", fallback.group());
        assertEquals("anthropic/claude-3-5-haiku-20241022", fallback.model());
        assertEquals("anthropic", fallback.provider());
        assertEquals(8e-7, fallback.inputCostPerToken(), 0.0);
        assertEquals(4e-6, fallback.outputCostPerToken(), 0.0);
        assertEquals(1, fetch.calls.get());
    }

    @Test
    void providerFromTheModelPrefixAndNoPricesWhenModelInfoLacksThem() {
        String body = """
                {"data":[{"model_name":"local","litellm_params":{"model":"ollama/llama3"},
                          "model_info":{"id":"local-1","input_cost_per_token":null,"output_cost_per_token":"free"}},
                         {"model_name":"no-id","litellm_params":{"model":"openai/gpt-4o"},"model_info":{}}]}
                """;
        FakeFetch fetch = new FakeFetch(reply(200, body));
        ModelInfoCache cache = new ModelInfoCache(MAPPER, fetch);
        Deployment local = await(cache.lookup("local-1")).orElseThrow();
        assertEquals("ollama", local.provider());
        assertEquals("local", local.group());
        assertNull(local.inputCostPerToken());
        assertNull(local.outputCostPerToken());
    }

    @Test
    void blankIdIsEmptyWithoutFetching() {
        FakeFetch fetch = new FakeFetch(reply(200, MODEL_INFO));
        ModelInfoCache cache = new ModelInfoCache(MAPPER, fetch);
        assertTrue(await(cache.lookup("")).isEmpty());
        assertTrue(await(cache.lookup("   ")).isEmpty());
        assertTrue(await(cache.lookup(null)).isEmpty());
        assertEquals(0, fetch.calls.get());
    }

    @Test
    void burstOfLookupsOfAKnownIdFetchesOnce() {
        FakeFetch fetch = new FakeFetch(reply(200, MODEL_INFO));
        ModelInfoCache cache = new ModelInfoCache(MAPPER, fetch);
        for (int i = 0; i < 50; i++) {
            assertEquals("cheap", await(cache.lookup(CHEAP_ID)).orElseThrow().group());
        }
        assertEquals(1, fetch.calls.get());
    }

    @Test
    void concurrentFirstLookupsShareOneFetch() {
        FakeFetch fetch = new FakeFetch(reply(200, MODEL_INFO));
        ModelInfoCache cache = new ModelInfoCache(MAPPER, fetch);
        List<Uni<Optional<Deployment>>> pending = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            pending.add(cache.lookup(i % 2 == 0 ? CHEAP_ID : FALLBACK_ID));
        }
        for (int i = 0; i < pending.size(); i++) {
            Deployment deployment = await(pending.get(i)).orElseThrow();
            assertEquals(i % 2 == 0 ? "cheap" : "fallback", deployment.group());
        }
        assertEquals(1, fetch.calls.get());
    }

    @Test
    void missRightAfterARefreshDoesNotRefetch() {
        FakeFetch fetch = new FakeFetch(reply(200, MODEL_INFO));
        ModelInfoCache cache = new ModelInfoCache(MAPPER, fetch);
        assertTrue(await(cache.lookup("unknown-1")).isEmpty());
        assertEquals(1, fetch.calls.get(), "the first miss fetches");
        assertTrue(await(cache.lookup("unknown-2")).isEmpty());
        assertTrue(await(cache.lookup("unknown-1")).isEmpty());
        assertEquals(1, fetch.calls.get(), "misses within MIN_REFRESH do not fetch again");
        assertTrue(await(cache.lookup(CHEAP_ID)).isPresent(), "what the first fetch found is cached");
        assertEquals(1, fetch.calls.get());
    }

    @Test
    void missAfterMinRefreshFetchesAgainAndFindsANewDeployment() throws InterruptedException {
        FakeFetch fetch = new FakeFetch(reply(200, "{\"data\":[" + CHEAP_ENTRY + "]}"), reply(200, MODEL_INFO));
        ModelInfoCache cache = new ModelInfoCache(MAPPER, fetch);
        assertTrue(await(cache.lookup(FALLBACK_ID)).isEmpty());
        Thread.sleep(ModelInfoCache.MIN_REFRESH.toMillis() + 250);
        assertEquals("fallback", await(cache.lookup(FALLBACK_ID)).orElseThrow().group());
        assertEquals(2, fetch.calls.get());
    }

    @Test
    void errorStatusYieldsEmpty() {
        FakeFetch fetch = new FakeFetch(reply(500,
                "{\"error\":{\"message\":\"boom\",\"type\":\"None\",\"param\":\"None\",\"code\":\"500\"}}"));
        ModelInfoCache cache = new ModelInfoCache(MAPPER, fetch);
        assertTrue(await(cache.lookup(CHEAP_ID)).isEmpty());
        assertEquals(1, fetch.calls.get());
    }

    @Test
    void unauthorizedStatusYieldsEmpty() {
        ModelInfoCache cache = new ModelInfoCache(MAPPER, new FakeFetch(reply(401,
                "{\"error\":{\"message\":\"Authentication Error, No api key passed in.\",\"type\":\"auth_error\","
                        + "\"param\":\"None\",\"code\":\"401\"}}")));
        assertTrue(await(cache.lookup(CHEAP_ID)).isEmpty());
    }

    @Test
    void failedFetchYieldsEmptyNotAFailure() {
        FakeFetch fetch = new FakeFetch(failure("Connection refused: localhost/127.0.0.1:4000"));
        ModelInfoCache cache = new ModelInfoCache(MAPPER, fetch);
        assertTrue(await(cache.lookup(CHEAP_ID)).isEmpty());
        assertEquals(1, fetch.calls.get());
    }

    @Test
    void bodyThatIsNotJsonYieldsEmpty() {
        ModelInfoCache cache = new ModelInfoCache(MAPPER, new FakeFetch(reply(200, "<html>Bad Gateway</html>")));
        assertTrue(await(cache.lookup(CHEAP_ID)).isEmpty());
    }

    @Test
    void failedFetchIsNotRetriedWithinMinRefresh() {
        FakeFetch fetch = new FakeFetch(failure("Connection refused"), reply(200, MODEL_INFO));
        ModelInfoCache cache = new ModelInfoCache(MAPPER, fetch);
        assertTrue(await(cache.lookup(CHEAP_ID)).isEmpty());
        assertTrue(await(cache.lookup(CHEAP_ID)).isEmpty());
        assertEquals(1, fetch.calls.get());
    }
}
