package io.octoagent.gateway.stream;

import io.octoagent.gateway.event.Event;
import io.octoagent.gateway.store.WriteContext;
import java.sql.SQLException;
import java.util.List;

/**
 * How committed events reach the {@link TaskEventHub} of every process that has subscribers:
 * straight after the commit in a single process ({@link InProcessLiveEvents}); through the
 * database to every replica with a shared one ({@code PostgresLiveEvents}).
 */
public interface LiveEvents {

    /** The events one transaction appends to one task, announced from inside that transaction. */
    void announce(WriteContext context, List<Event> events) throws SQLException;
}
