package io.octoagent.gateway.config;

import io.quarkus.runtime.Startup;
import io.quarkus.runtime.configuration.DurationConverter;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/**
 * The service's own settings (store, artifacts, stream, readiness, shutdown, work queue), checked
 * once at startup: a bad value stops the process with a message naming the environment variable
 * and what it accepts, instead of starting and failing later (an ERROR on every stream, a
 * surprise at the first shutdown).
 */
@Startup
@ApplicationScoped
public class ServiceSettings {

    private final GatewayConfig config;
    private StoreKind storeKind;
    private Duration leaseTtl;
    private int maxBatch;
    private int readConnections;
    private int inlineMaxBytes;
    private Duration heartbeat;
    private Duration streamRetry;
    private int subscriberBuffer;
    private long minFreeDiskMb;
    private Duration shutdownGrace;
    private int maxConcurrency;
    private int maxBacklog;

    public ServiceSettings(GatewayConfig config) {
        this.config = config;
    }

    @PostConstruct
    void validate() {
        storeKind = StoreKind.parse(config.store().kind());
        if (storeKind == StoreKind.POSTGRES && config.db().url().filter(url -> !url.isBlank()).isEmpty()) {
            throw new IllegalArgumentException("OCTOAGENT_STORE=postgres needs OCTOAGENT_DB_URL"
                    + " (postgresql://host:port/database)");
        }
        leaseTtl = duration("OCTOAGENT_DB_LEASE_TTL", config.db().leaseTtl(), Duration.ofSeconds(1));
        maxBatch = (int) whole("OCTOAGENT_STORE_MAX_BATCH", config.store().maxBatch(), 1, 100_000);
        readConnections = (int) whole("OCTOAGENT_STORE_READ_CONNECTIONS", config.store().readConnections(), 1, 64);
        inlineMaxBytes = (int) whole("OCTOAGENT_ARTIFACTS_INLINE_MAX_BYTES", config.artifacts().inlineMaxBytes(), 0,
                1024 * 1024);
        heartbeat = duration("OCTOAGENT_STREAM_HEARTBEAT", config.stream().heartbeat(), Duration.ofMillis(100));
        streamRetry = duration("OCTOAGENT_STREAM_RETRY", config.stream().retry(), Duration.ofMillis(100));
        subscriberBuffer = (int) whole("OCTOAGENT_STREAM_SUBSCRIBER_BUFFER", config.stream().subscriberBuffer(), 1,
                1_000_000);
        minFreeDiskMb = whole("OCTOAGENT_READINESS_MIN_FREE_DISK_MB", config.readiness().minFreeDiskMb(), 0,
                Long.MAX_VALUE);
        shutdownGrace = duration("OCTOAGENT_SHUTDOWN_GRACE", config.shutdown().grace(), Duration.ZERO);
        maxConcurrency = (int) whole("OCTOAGENT_LLM_MAX_CONCURRENCY", config.llm().maxConcurrency(), 1, 10_000);
        maxBacklog = (int) whole("OCTOAGENT_MAX_BACKLOG", config.maxBacklog(), 1, 10_000_000);
        ConnectionLimits.from(config.http()); // read by the HTTP server itself (web/connection)
    }

    public StoreKind storeKind() {
        return storeKind;
    }

    /** How long a replica's claim on a task lasts without renewal (postgres store). */
    public Duration leaseTtl() {
        return leaseTtl;
    }

    public int maxBatch() {
        return maxBatch;
    }

    public int readConnections() {
        return readConnections;
    }

    public int inlineMaxBytes() {
        return inlineMaxBytes;
    }

    public Duration heartbeat() {
        return heartbeat;
    }

    public Duration streamRetry() {
        return streamRetry;
    }

    public int subscriberBuffer() {
        return subscriberBuffer;
    }

    public long minFreeDiskMb() {
        return minFreeDiskMb;
    }

    public Duration shutdownGrace() {
        return shutdownGrace;
    }

    public int maxConcurrency() {
        return maxConcurrency;
    }

    public int maxBacklog() {
        return maxBacklog;
    }

    /** A whole number in [min, max]. */
    public static long whole(String variable, String value, long min, long max) {
        try {
            long parsed = Long.parseLong(value.trim());
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException | NullPointerException e) {
            // reported below
        }
        throw invalid(variable, value, "a whole number from " + min + (max == Long.MAX_VALUE ? " up" : " to " + max));
    }

    /** A duration such as {@code 15s}, {@code 500ms}, {@code 2m} or ISO-8601 {@code PT15S}, at least {@code min}. */
    public static Duration duration(String variable, String value, Duration min) {
        try {
            Duration parsed = DurationConverter.parseDuration(value.trim());
            if (parsed != null && parsed.compareTo(min) >= 0) {
                return parsed;
            }
        } catch (RuntimeException e) {
            // reported below
        }
        throw invalid(variable, value, "a duration such as 15s, 500ms or 2m, at least " + describe(min));
    }

    /** A decimal number in [min, max]. */
    public static double decimal(String variable, String value, double min, double max) {
        try {
            double parsed = Double.parseDouble(value.trim());
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException | NullPointerException e) {
            // reported below
        }
        throw invalid(variable, value, "a number from " + min + " to " + max);
    }

    public static IllegalArgumentException invalid(String variable, String value, String accepted) {
        return new IllegalArgumentException(variable + "='" + value + "' is not valid; accepted values: " + accepted);
    }

    private static String describe(Duration duration) {
        return duration.isZero() ? "0s" : duration.toMillis() % 1000 == 0 ? duration.toSeconds() + "s"
                : duration.toMillis() + "ms";
    }
}
