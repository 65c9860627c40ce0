package io.octoagent.gateway.store;

import io.smallrye.mutiny.Uni;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * The ledger's storage, whichever engine holds it ({@link SqliteStore} or
 * {@code PostgresStore}): transactions that commit or roll back as a whole, reads, and whether
 * it works right now. Features write their SQL against {@link #dialect()}, never against an engine.
 * Nothing here runs on a Vert.x event loop; results come back on the caller's context.
 */
public interface Store {

    /**
     * Runs {@code operation} in a transaction; the Uni completes once it is durable. An
     * exception from the operation rolls back its writes, and its after-commit actions never run.
     */
    <T> Uni<T> write(WriteOperation<T> operation);

    /** Runs a query on a worker thread. */
    <T> Uni<T> read(ReadOperation<T> operation);

    /** Blocking variant of {@link #read} for code already on a worker thread (startup, health). */
    <T> T readNow(ReadOperation<T> operation);

    boolean isOpen();

    /** Why the store cannot take commits right now, or empty while it can (readiness is DOWN meanwhile). */
    Optional<String> writeFailure();

    /** When this process opened the store: files written before then belong to an earlier run. */
    Instant openedAt();

    /** The SQL that differs between engines. */
    SqlDialect dialect();

    /**
     * Where artifact content too large to stay inline goes: a directory only this process writes
     * (SQLite), or empty when it stays in the database, where every replica reads it (PostgreSQL).
     */
    Optional<Path> artifactDirectory();

    /** A name for health reports: {@code sqlite} or {@code postgres}. */
    String engine();
}
