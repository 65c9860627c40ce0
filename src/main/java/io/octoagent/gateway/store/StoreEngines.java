package io.octoagent.gateway.store;

import io.octoagent.gateway.config.ServiceSettings;
import io.octoagent.gateway.config.StoreKind;
import io.octoagent.gateway.store.postgres.PostgresLeases;
import io.octoagent.gateway.store.postgres.PostgresLiveEvents;
import io.octoagent.gateway.store.postgres.PostgresStore;
import io.octoagent.gateway.stream.InProcessLiveEvents;
import io.octoagent.gateway.stream.LiveEvents;
import io.octoagent.gateway.stream.TaskEventHub;
import io.octoagent.gateway.task.SingleProcessLeases;
import io.octoagent.gateway.task.TaskLeases;
import io.octoagent.gateway.task.TaskStore;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;

/**
 * The one place that knows which engine runs ({@code OCTOAGENT_STORE}): it hands out the
 * {@link Store}, the {@link TaskLeases} and the {@link LiveEvents} of that engine. Only the
 * chosen engine's beans are ever created (the other's are looked up lazily and never).
 */
@ApplicationScoped
public class StoreEngines {

    private final StoreKind kind;

    public StoreEngines(ServiceSettings settings) {
        this.kind = settings.storeKind();
    }

    /** Opened at startup: a store that cannot open (a locked directory, no database) stops the start. */
    @Produces
    @Startup
    @ApplicationScoped
    Store store(Instance<SqliteStore> sqlite, Instance<PostgresStore> postgres) {
        return kind == StoreKind.POSTGRES ? postgres.get() : sqlite.get();
    }

    @Produces
    @ApplicationScoped
    TaskLeases leases(Store store, TaskStore tasks, Instance<PostgresLeases> postgres) {
        return kind == StoreKind.POSTGRES ? postgres.get() : new SingleProcessLeases(store, tasks);
    }

    /** At startup: with PostgreSQL, a replica that only serves streams must be listening from the start. */
    @Produces
    @Startup
    @ApplicationScoped
    LiveEvents liveEvents(TaskEventHub hub, Instance<PostgresLiveEvents> postgres) {
        return kind == StoreKind.POSTGRES ? postgres.get() : new InProcessLiveEvents(hub);
    }
}
