package io.octoagent.gateway.store;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicLong;

/** Test bean: counts group commits and the operations they carried. */
@ApplicationScoped
public class CountingCommitListener implements CommitListener {

    private final AtomicLong commits = new AtomicLong();
    private final AtomicLong operations = new AtomicLong();

    @Override
    public void committed(int batchSize, long nanos) {
        commits.incrementAndGet();
        operations.addAndGet(batchSize);
    }

    public long commits() {
        return commits.get();
    }

    public long operations() {
        return operations.get();
    }
}
