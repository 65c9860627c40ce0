package io.octoagent.gateway.health;

import io.octoagent.gateway.artifact.ArtifactStore;
import io.octoagent.gateway.common.PrivateFiles;
import io.octoagent.gateway.config.ServiceSettings;
import io.octoagent.gateway.lifecycle.ServiceLifecycle;
import io.octoagent.gateway.provider.LiteLlmClient;
import io.octoagent.gateway.provider.ProviderSettings;
import io.octoagent.gateway.provider.ProxyHealth;
import io.octoagent.gateway.store.Store;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Optional;

/**
 * The individual readiness checks, shared by the SmallRye health checks and {@code /ready}.
 * Each runs off the event loop and is cheap: one indexed query, one tiny file, one statfs, and
 * (only when asked) one proxy request with its own short timeout.
 */
@ApplicationScoped
public class ReadinessProbe {

    /** One check's verdict and what it saw. */
    public record Check(boolean up, Object value) {
    }

    /** The value of a check that does not apply here (no local files with a shared database). */
    static final String SKIPPED = "skipped";

    private final Store store;
    private final ArtifactStore artifacts;
    private final ServiceSettings settings;
    private final ProviderSettings provider;
    private final LiteLlmClient proxy;
    private final ServiceLifecycle lifecycle;

    public ReadinessProbe(Store store, ArtifactStore artifacts, ServiceSettings settings, ProviderSettings provider,
                          LiteLlmClient proxy, ServiceLifecycle lifecycle) {
        this.store = store;
        this.artifacts = artifacts;
        this.settings = settings;
        this.provider = provider;
        this.proxy = proxy;
        this.lifecycle = lifecycle;
    }

    /** Which store the {@link #store()} check reports on: {@code sqlite} or {@code postgres}. */
    public String storeEngine() {
        return store.engine();
    }

    /**
     * A real query against the store; DOWN while commits fail (a full disk, an unreachable
     * database), UP once one succeeds again.
     */
    public Uni<Check> store() {
        if (!store.isOpen()) {
            return Uni.createFrom().item(new Check(false, "error: store closed"));
        }
        Optional<String> writeFailure = store.writeFailure();
        if (writeFailure.isPresent()) {
            return Uni.createFrom().item(new Check(false, "error: " + writeFailure.get()));
        }
        return store.read(connection -> {
            try (Statement statement = connection.createStatement();
                 ResultSet row = statement.executeQuery(
                         "SELECT COUNT(*) FROM (SELECT 1 FROM tasks LIMIT 1) AS probe")) {
                row.next();
                return new Check(true, "ok");
            }
        }).onFailure().recoverWithItem(failure -> new Check(false, "error: " + failure.getMessage()));
    }

    /** The artifacts directory exists and takes a write: a probe file is written and removed. */
    public Uni<Check> artifactsDir() {
        if (artifacts.root().isEmpty()) {
            return Uni.createFrom().item(new Check(true, SKIPPED));
        }
        return blocking(() -> {
            Path root = artifacts.root().get();
            try {
                PrivateFiles.createDirectories(root);
                Path probe = Files.createTempFile(root, ".ready-", ".probe");
                Files.delete(probe);
                return new Check(true, "ok");
            } catch (IOException | SecurityException e) {
                return new Check(false, "error: " + root + " is not writable");
            }
        });
    }

    /** Free space of the data directory in MB, DOWN under the configured floor (skipped without local files). */
    public Uni<Check> diskSpace() {
        if (artifacts.root().isEmpty()) {
            return Uni.createFrom().item(new Check(true, SKIPPED));
        }
        return blocking(() -> {
            try {
                long freeMb = Files.getFileStore(artifacts.root().get().getParent()).getUsableSpace() / (1024 * 1024);
                return new Check(freeMb >= settings.minFreeDiskMb(), freeMb);
            } catch (IOException e) {
                return new Check(false, -1L);
            }
        });
    }

    /** The proxy's liveliness (echo mode: skipped, the proxy is never contacted). Never fails. */
    public Uni<Check> litellmProxy() {
        if (provider.mode() == ProviderSettings.Mode.ECHO) {
            return Uni.createFrom().item(new Check(true, ProxyHealth.SKIPPED.status()));
        }
        return proxy.healthCheck().map(health -> new Check(health.up(), health.status()));
    }

    /** Whether the service still takes work (false once a graceful shutdown began). */
    public Check accepting() {
        return new Check(lifecycle.isAccepting(), lifecycle.isAccepting() ? "accepting" : "shutting down");
    }

    private static Uni<Check> blocking(java.util.function.Supplier<Check> check) {
        return Uni.createFrom().item(check).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }
}
