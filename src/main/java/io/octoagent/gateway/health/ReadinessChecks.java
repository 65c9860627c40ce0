package io.octoagent.gateway.health;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.health.api.HealthGroup;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * SmallRye health checks. The {@code core} ones gate Kubernetes readiness; the proxy check is in
 * the {@code llm} group only, because the service degrades to echo when the proxy is down and
 * must not be taken out of rotation for it.
 */
public final class ReadinessChecks {

    private ReadinessChecks() {
    }

    static Uni<HealthCheckResponse> respond(String name, Uni<ReadinessProbe.Check> check) {
        return check.map(result -> HealthCheckResponse.named(name)
                .status(result.up())
                .withData("value", String.valueOf(result.value()))
                .build());
    }

    @Readiness
    @ApplicationScoped
    public static class Sqlite implements AsyncHealthCheck {
        private final ReadinessProbe probe;

        public Sqlite(ReadinessProbe probe) {
            this.probe = probe;
        }

        @Override
        public Uni<HealthCheckResponse> call() {
            return respond("sqlite", probe.sqlite());
        }
    }

    @Readiness
    @ApplicationScoped
    public static class ArtifactsDir implements AsyncHealthCheck {
        private final ReadinessProbe probe;

        public ArtifactsDir(ReadinessProbe probe) {
            this.probe = probe;
        }

        @Override
        public Uni<HealthCheckResponse> call() {
            return respond("artifacts-dir", probe.artifactsDir());
        }
    }

    @Readiness
    @ApplicationScoped
    public static class DiskSpace implements AsyncHealthCheck {
        private final ReadinessProbe probe;

        public DiskSpace(ReadinessProbe probe) {
            this.probe = probe;
        }

        @Override
        public Uni<HealthCheckResponse> call() {
            return respond("disk-space", probe.diskSpace());
        }
    }

    /** DOWN from the first moment of a graceful shutdown, so traffic moves elsewhere first. */
    @Readiness
    @ApplicationScoped
    public static class Accepting implements AsyncHealthCheck {
        private final ReadinessProbe probe;

        public Accepting(ReadinessProbe probe) {
            this.probe = probe;
        }

        @Override
        public Uni<HealthCheckResponse> call() {
            return respond("accepting-tasks", Uni.createFrom().item(probe::accepting));
        }
    }

    @HealthGroup("llm")
    @ApplicationScoped
    public static class LitellmProxy implements AsyncHealthCheck {
        private final ReadinessProbe probe;

        public LitellmProxy(ReadinessProbe probe) {
            this.probe = probe;
        }

        @Override
        public Uni<HealthCheckResponse> call() {
            return respond("litellm-proxy", probe.litellmProxy());
        }
    }
}
