package io.octoagent.gateway.bench;

import io.octoagent.gateway.support.TestPostgres;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

/**
 * The PostgreSQL server of {@code bench/replicas.py} (not a test): the tests' embedded server,
 * driven over stdin, one command per line, one answer line each:
 * {@code db <prefix>} creates a database and answers its {@code postgresql://} URL;
 * {@code stats <database>} answers commits, connections, leases and task counts as JSON;
 * end of input stops the server.
 */
public final class PostgresBenchServer {

    private PostgresBenchServer() {
    }

    public static void main(String[] args) throws Exception {
        TestPostgres.server();
        System.out.println("ready");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String[] command = line.trim().split(" ");
            try {
                if (command[0].equals("db")) {
                    System.out.println(TestPostgres.url(TestPostgres.createDatabase(command[1])));
                } else if (command[0].equals("stats")) {
                    System.out.println(stats(command[1]));
                } else {
                    System.out.println("{\"error\":\"unknown command\"}");
                }
            } catch (Exception e) {
                System.out.println("{\"error\":\"" + e.getMessage().replace('"', '\'') + "\"}");
            }
            System.out.flush();
        }
        System.exit(0);
    }

    private static String stats(String database) throws Exception {
        try (Connection connection = DriverManager.getConnection(TestPostgres.jdbcUrl(database), "postgres",
                "postgres"); Statement statement = connection.createStatement()) {
            return "{\"xact_commit\":" + one(statement, "SELECT xact_commit FROM pg_stat_database"
                    + " WHERE datname = current_database()")
                    + ",\"connections\":" + one(statement, "SELECT COUNT(*) FROM pg_stat_activity"
                    + " WHERE datname = current_database()")
                    + ",\"leases\":" + one(statement, "SELECT COUNT(*) FROM task_leases")
                    + ",\"tasks\":" + one(statement, "SELECT COUNT(*) FROM tasks")
                    + ",\"finished\":" + one(statement, "SELECT COUNT(*) FROM tasks WHERE status NOT IN"
                    + " ('CREATED', 'RUNNING')")
                    + ",\"events\":" + one(statement, "SELECT COUNT(*) FROM events") + "}";
        }
    }

    private static long one(Statement statement, String sql) throws Exception {
        try (ResultSet row = statement.executeQuery(sql)) {
            return row.next() ? row.getLong(1) : 0;
        }
    }
}
