package io.octoagent.gateway.support;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.octoagent.gateway.provider.LiteLlmClient;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;

/**
 * Base of tests that run against {@link LiteLlmProxyStub}: each test starts with a healthy
 * proxy, no completion stubs, and a closed circuit breaker. Subclasses carry the
 * {@code @QuarkusTest} and {@code @QuarkusTestResource} annotations with their own init args.
 */
public abstract class ProxyStubbedTest {

    @InjectWireMock
    protected WireMockServer proxy;

    @Inject
    protected CircuitBreakerMaintenance breakers;

    @Inject
    protected LiteLlmClient client;

    @BeforeEach
    void resetProxyAndBreakers() {
        LiteLlmProxyStub.reset(proxy);
        breakers.resetAll();
        client.forgetHealth();
    }
}
