package io.octoagent.gateway.provider;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Lets a caller stop a proxy call from outside the fault-tolerance layer. SmallRye Fault
 * Tolerance does not pass the cancellation of its returned {@code Uni} on to the guarded one, so
 * the guarded call subscribes to the HTTP request through {@link #guard} and the caller fires
 * {@link #cancel}: the request's subscription is cancelled (the REST client resets the
 * connection) and the guarded call ends with {@link CallCancelledException}.
 */
final class CallCancellation {

    private static final Runnable CANCELLED = () -> {
    };

    /** null before a call starts, the way to stop the running call, {@link #CANCELLED} after cancel. */
    private final AtomicReference<Runnable> stopper = new AtomicReference<>();

    /** Stops the call now, or prevents it from starting. */
    void cancel() {
        Runnable stop = stopper.getAndSet(CANCELLED);
        if (stop != null && stop != CANCELLED) {
            stop.run();
        }
    }

    <T> Uni<T> guard(Uni<T> call) {
        return Uni.createFrom().emitter(emitter -> {
            if (stopper.get() == CANCELLED) {
                emitter.fail(new CallCancelledException());
                return;
            }
            Cancellable running = call.subscribe().with(emitter::complete, emitter::fail);
            Runnable stop = () -> {
                running.cancel();
                emitter.fail(new CallCancelledException());
            };
            // One call at a time: a retried call replaces the stopper of the one before it.
            Runnable current = stopper.get();
            while (current != CANCELLED && !stopper.compareAndSet(current, stop)) {
                current = stopper.get();
            }
            if (current == CANCELLED) {
                stop.run(); // cancelled while subscribing
            }
        });
    }
}
