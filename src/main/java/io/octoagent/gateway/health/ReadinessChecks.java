package io.octoagent.gateway.health;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.health.api.HealthGroup;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import java.util.function.Function;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * SmallRye health checks over the {@link ReadinessProbe}. The {@code core} ones gate Kubernetes
 * readiness; the proxy check is in the {@code llm} group only, because the service degrades to
 * echo when the proxy is down and must not be taken out of rotation for it.
 */
public final class ReadinessChecks {

    private ReadinessChecks() {
    }

    /** One named probe check as a SmallRye check; subclasses only add the CDI annotations. */
    abstract static class ProbeCheck implements AsyncHealthCheck {
        private final String name;
        private final Function<ReadinessProbe, Uni<ReadinessProbe.Check>> check;
        private final ReadinessProbe probe;

        ProbeCheck(String name, Function<ReadinessProbe, Uni<ReadinessProbe.Check>> check, ReadinessProbe probe) {
            this.name = name;
            this.check = check;
            this.probe = probe;
        }

        @Override
        public Uni<HealthCheckResponse> call() {
            return check.apply(probe).map(result -> HealthCheckResponse.named(name)
                    .status(result.up())
                    .withData("value", String.valueOf(result.value()))
                    .build());
        }
    }

    @Readiness
    @Singleton
    public static class Database extends ProbeCheck {
        public Database(ReadinessProbe probe) {
            super(probe.storeEngine(), ReadinessProbe::store, probe);
        }
    }

    @Readiness
    @Singleton
    public static class ArtifactsDir extends ProbeCheck {
        public ArtifactsDir(ReadinessProbe probe) {
            super("artifacts-dir", ReadinessProbe::artifactsDir, probe);
        }
    }

    @Readiness
    @Singleton
    public static class DiskSpace extends ProbeCheck {
        public DiskSpace(ReadinessProbe probe) {
            super("disk-space", ReadinessProbe::diskSpace, probe);
        }
    }

    /** DOWN from the first moment of a graceful shutdown, so traffic moves elsewhere first. */
    @Readiness
    @Singleton
    public static class Accepting extends ProbeCheck {
        public Accepting(ReadinessProbe probe) {
            super("accepting-tasks", p -> Uni.createFrom().item(p.accepting()), probe);
        }
    }

    @HealthGroup("llm")
    @Singleton
    public static class LitellmProxy extends ProbeCheck {
        public LitellmProxy(ReadinessProbe probe) {
            super("litellm-proxy", ReadinessProbe::litellmProxy, probe);
        }
    }
}
