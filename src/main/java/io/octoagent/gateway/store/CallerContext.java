package io.octoagent.gateway.store;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * For store engines: completes a Uni with work done on another thread, back on the Vert.x context of the caller
 * when there is one (so request logs keep their request id), else on a worker.
 */
public final class CallerContext {

    private CallerContext() {
    }

    public static <T> Uni<T> await(Supplier<CompletableFuture<T>> work, Executor workers) {
        return Uni.createFrom().emitter(emitter -> {
            Context caller = Vertx.currentContext();
            work.get().whenComplete((result, failure) -> {
                Runnable completion = failure != null
                        ? () -> emitter.fail(failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure)
                        : () -> emitter.complete(result);
                if (caller != null) {
                    caller.runOnContext(ignored -> completion.run());
                } else {
                    workers.execute(completion);
                }
            });
        });
    }
}
