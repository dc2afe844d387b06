package io.robotid.testkit;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/** Waiting for what another process does in its own time (a feed follower, the log's integrator). */
public final class Eventually {
    /** How long a test waits before it fails: generous for a loaded CI machine. */
    public static final Duration LIMIT = Duration.ofSeconds(30);

    private Eventually() {
    }

    /** Waits (up to {@link #LIMIT}, asking every 50 ms) until {@code condition} holds; fails naming what was awaited. */
    public static void await(String what, Supplier<Boolean> condition) {
        Instant until = Instant.now().plus(LIMIT);
        while (Instant.now().isBefore(until)) {
            if (Boolean.TRUE.equals(condition.get())) {
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("timed out waiting until " + what);
    }
}
