package io.octoagent.gateway.support;

/** Sleeps for polling loops, which check their own deadline and so need no InterruptedException. */
public final class Pause {

    private Pause() {
    }

    /** Sleeps; an interrupt ends the pause early and stays set for the caller to see. */
    public static void millis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
