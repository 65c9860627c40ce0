package io.octoagent.gateway.store;

/** Told about every group commit: how many operations it carried and how long it took. */
public interface CommitListener {
    void committed(int batchSize, long nanos);
}
