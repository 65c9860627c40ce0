package io.octoagent.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import io.smallrye.config.WithParentName;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * All of the gateway's own settings, under {@code octoagent.*} (environment: {@code OCTOAGENT_*}),
 * as written. Numbers and durations are read as text and checked by {@link ServiceSettings} (and
 * the provider's by {@code ProviderSettings}), so that a bad value stops startup with a message
 * naming the environment variable, not the property.
 */
@ConfigMapping(prefix = "octoagent")
public interface GatewayConfig {

    /** Directory holding the SQLite file and large artifacts ({@code OCTOAGENT_DATA_DIR}). */
    @WithDefault("./data")
    String dataDir();

    Store store();

    Artifacts artifacts();

    Stream stream();

    Http http();

    Readiness readiness();

    Shutdown shutdown();

    Llm llm();

    /**
     * Tasks acknowledged but not yet started before {@code POST /api/message} answers 429
     * {@code BACKLOG_FULL} ({@code OCTOAGENT_MAX_BACKLOG}).
     */
    @WithDefault("10000")
    String maxBacklog();

    /**
     * API tokens as {@code name:owner:role:sha256hex} entries separated by commas
     * ({@code OCTOAGENT_API_TOKENS}); role is {@code owner} or {@code admin}.
     */
    Optional<String> apiTokens();

    /** A JSON or YAML file listing API tokens as {name, owner, role, sha256} ({@code OCTOAGENT_API_TOKENS_FILE}). */
    Optional<String> apiTokensFile();

    /** Serve without tokens on a non-loopback address ({@code OCTOAGENT_ALLOW_ANONYMOUS}). */
    @WithDefault("false")
    String allowAnonymous();

    /** {@code permit} (open) or {@code authenticated} (a token required) for /q/metrics ({@code OCTOAGENT_METRICS_ACCESS}). */
    @WithDefault("permit")
    String metricsAccess();

    /** A LiteLLM-format price file extending or overriding the bundled prices ({@code OCTOAGENT_PRICING_FILE}). */
    Optional<String> pricingFile();

    /** Budgets declared in application.yaml ({@code octoagent.budgets}, a list). */
    List<BudgetEntry> budgets();

    /** A JSON or YAML file with more budgets, in the same form ({@code OCTOAGENT_BUDGETS_FILE}). */
    Optional<String> budgetsFile();

    /**
     * What a budgeted call whose worst case cannot be priced gets: {@code deny} or {@code allow}
     * ({@code OCTOAGENT_BUDGET_UNPRICED}).
     */
    @WithDefault("deny")
    String budgetUnpriced();

    interface BudgetEntry {
        String name();

        /** {@code global}, {@code owner}, {@code channel} or {@code thread}. */
        String scope();

        /** Only these owners / channels / threads (all when absent). */
        Optional<List<String>> values();

        /** {@code day}, {@code week}, {@code month} or {@code total}. */
        String period();

        String limitUsd();

        @WithDefault("80")
        String softPercent();

        /** {@code reject} or {@code downgrade:<alias or runtime group>}. */
        @WithDefault("reject")
        String onExhausted();
    }

    /** The PostgreSQL store's connection ({@code OCTOAGENT_DB_*}); read only when {@code OCTOAGENT_STORE=postgres}. */
    Db db();

    interface Store {
        /**
         * {@code sqlite} (embedded, one process) or {@code postgres} (shared by replicas)
         * ({@code OCTOAGENT_STORE}).
         */
        @WithParentName
        @WithDefault("sqlite")
        String kind();

        /** Most write operations grouped into one transaction (one fsync). */
        @WithDefault("256")
        String maxBatch();

        /** Read-only connections used for queries. */
        @WithDefault("4")
        String readConnections();
    }

    interface Db {
        /**
         * {@code postgresql://host:port/db} (a {@code jdbc:postgresql://} URL works too)
         * ({@code OCTOAGENT_DB_URL}).
         */
        Optional<String> url();

        /** ({@code OCTOAGENT_DB_USER}). */
        Optional<String> user();

        /** ({@code OCTOAGENT_DB_PASSWORD}); from a Secret, never logged. */
        Optional<String> password();

        /**
         * How long a replica's claim on a task lasts unless renewed: after a replica dies, its
         * tasks are taken over this long after its last renewal ({@code OCTOAGENT_DB_LEASE_TTL}).
         */
        @WithDefault("15s")
        String leaseTtl();
    }

    interface Artifacts {
        /** Content up to this many bytes is kept inline in the artifact's part. */
        @WithDefault("4096")
        String inlineMaxBytes();
    }

    interface Stream {
        /** Interval of the {@code : heartbeat} comment on open SSE streams. */
        @WithDefault("15s")
        String heartbeat();

        /** The {@code retry:} delay sent to clients: how long an EventSource waits before it reconnects. */
        @WithDefault("3s")
        String retry();

        /** Events buffered per subscriber before that (slow) subscriber is dropped. */
        @WithDefault("1024")
        String subscriberBuffer();
    }

    interface Http {
        /**
         * How long a client may take to send a request's line and headers, counted from their
         * first byte; then 408 and the connection is closed ({@code OCTOAGENT_HTTP_HEADER_TIMEOUT}).
         */
        @WithDefault("10s")
        String headerTimeout();

        /**
         * Connections with no request in progress (new, idle between requests, or still sending
         * a request head) kept open; past it the one that has waited longest is closed. Never
         * more than half the process's file-descriptor limit
         * ({@code OCTOAGENT_HTTP_MAX_IDLE_CONNECTIONS}).
         */
        @WithDefault("1024")
        String maxIdleConnections();
    }

    interface Readiness {
        /** Readiness is DOWN when the data directory has less free space than this. */
        @WithDefault("100")
        String minFreeDiskMb();
    }

    interface Shutdown {
        /** How long in-flight tasks may run after SIGTERM before the process exits. */
        @WithDefault("20s")
        String grace();
    }

    interface Llm {
        /** {@code litellm} or {@code echo} ({@code OCTOAGENT_LLM_MODE}). */
        @WithDefault("litellm")
        String mode();

        /** LiteLLM Proxy base URL ({@code LITELLM_PROXY_URL}). */
        @WithDefault("http://localhost:4000")
        String proxyUrl();

        /** Proxy access key ({@code LITELLM_PROXY_KEY}); sent as a bearer token, never logged. */
        Optional<String> proxyKey();

        /** Per-call timeout in seconds, at least 1 ({@code OCTOAGENT_LLM_TIMEOUT_S}). */
        @WithName("timeout-s")
        @WithDefault("60")
        String timeoutS();

        /** What answers when the proxy fails: {@code echo} or {@code none} ({@code OCTOAGENT_LLM_FALLBACK}). */
        @WithDefault("echo")
        String fallback();

        /**
         * Most tasks processed (and so proxy calls in flight) at once; the proxy client's
         * connection pool is sized to match ({@code OCTOAGENT_LLM_MAX_CONCURRENCY}).
         */
        @WithDefault("64")
        String maxConcurrency();

        /**
         * How long an open circuit breaker (one per runtime group) waits before it lets a probe
         * call through ({@code OCTOAGENT_LLM_BREAKER_DELAY}).
         */
        @WithDefault("30s")
        String breakerDelay();

        /** Sampling temperature sent with every call. */
        @WithDefault("0.7")
        String temperature();

        /**
         * {@code max_tokens} sent with every call unless its alias sets its own: it bounds the
         * answer, and so the worst case a budget reserves ({@code OCTOAGENT_LLM_MAX_TOKENS}).
         */
        @WithDefault("1024")
        String maxTokens();

        /**
         * The groups the proxy may fall back to, per group, as {@code group=fallback1|fallback2}
         * entries separated by {@code ;} ({@code main=fallback;cheap=}: cheap has none). A call's
         * worst case is priced over its group and these; for a group not listed, over the highest
         * price the proxy lists ({@code OCTOAGENT_LLM_PROXY_FALLBACKS}).
         */
        Optional<String> proxyFallbacks();

        /** Semantic aliases by name. */
        Map<String, Alias> aliases();

        interface Alias {
            /** What kind of work the alias is for. */
            String category();

            /** The LiteLLM model group that serves it. */
            String runtimeGroup();

            /** Human description. */
            @WithDefault("")
            String description();

            /** {@code max_tokens} for this alias's calls (else {@code OCTOAGENT_LLM_MAX_TOKENS}). */
            Optional<String> maxTokens();
        }
    }
}
