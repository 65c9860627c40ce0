package io.octoagent.gateway.store;

import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.ResourceProvider;
import org.flywaydb.core.api.output.MigrateResult;
import org.flywaydb.core.api.resource.LoadableResource;

/**
 * Runs the versioned SQLite migrations ({@code db/migration/sqlite}) with Flyway. PostgreSQL's
 * are run by the Quarkus Flyway extension at startup. The scripts are named here rather than
 * found by scanning the class path, which a packaged jar and a native image do not allow.
 */
final class Migrations {

    private static final String FOLDER = "db/migration/sqlite";
    /** Every SQLite migration, in order. A new one is added here and as a file. */
    static final List<String> SQLITE = List.of("V1__ledger.sql");

    private Migrations() {
    }

    /** Brings the database up to the latest version; a database older than versioning is baselined at 0. */
    static MigrateResult migrateSqlite(DataSource dataSource) {
        return Flyway.configure(Migrations.class.getClassLoader())
                .dataSource(dataSource)
                .resourceProvider(new NamedScripts(FOLDER, SQLITE))
                .locations("classpath:" + FOLDER)
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load()
                .migrate();
    }

    /** The listed scripts of one class-path folder. */
    private static final class NamedScripts implements ResourceProvider {
        private final List<LoadableResource> scripts = new ArrayList<>();

        NamedScripts(String folder, List<String> names) {
            names.forEach(name -> scripts.add(new Script(folder, name)));
        }

        @Override
        public LoadableResource getResource(String name) {
            return scripts.stream().filter(script -> script.getRelativePath().equals(name)
                    || script.getAbsolutePath().equals(name)).findFirst().orElse(null);
        }

        @Override
        public Collection<LoadableResource> getResources(String prefix, String[] suffixes) {
            List<LoadableResource> matching = new ArrayList<>();
            for (LoadableResource script : scripts) {
                String name = script.getFilename();
                boolean suffixMatches = suffixes.length == 0;
                for (String suffix : suffixes) {
                    suffixMatches |= name.endsWith(suffix);
                }
                if (name.startsWith(prefix) && suffixMatches) {
                    matching.add(script);
                }
            }
            return matching;
        }
    }

    private static final class Script extends LoadableResource {
        private final String folder;
        private final String name;

        Script(String folder, String name) {
            this.folder = folder;
            this.name = name;
        }

        @Override
        public Reader read() {
            InputStream in = Migrations.class.getClassLoader().getResourceAsStream(folder + "/" + name);
            if (in == null) {
                throw new UncheckedIOException(new IOException(folder + "/" + name
                        + " is missing from the application"));
            }
            return new InputStreamReader(in, StandardCharsets.UTF_8);
        }

        @Override
        public String getAbsolutePath() {
            return folder + "/" + name;
        }

        @Override
        public String getAbsolutePathOnDisk() {
            return getAbsolutePath();
        }

        @Override
        public String getFilename() {
            return name;
        }

        @Override
        public String getRelativePath() {
            return name;
        }
    }
}
