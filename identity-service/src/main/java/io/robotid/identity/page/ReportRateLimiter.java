package io.robotid.identity.page;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import io.robotid.identity.ResolverConfig;

/**
 * How many public reports one client address may send per window: a fixed window per address,
 * kept in memory, so per replica (N replicas allow up to N times the limit; a shared limit would
 * need a shared store). Addresses whose window has ended are dropped when the table grows past
 * {@link #MAX_TRACKED}.
 */
@ApplicationScoped
public class ReportRateLimiter {
    static final int MAX_TRACKED = 100_000;

    private record Window(long start, int count) {
    }

    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();
    private final int limit;
    private final Duration window;
    private final Clock clock;

    public ReportRateLimiter(ResolverConfig config, Clock clock) {
        this.limit = config.report().rateLimit();
        this.window = config.report().rateWindow();
        this.clock = clock;
    }

    public int limit() {
        return limit;
    }

    public Duration window() {
        return window;
    }

    /** Counts one report from {@code address}; false when it is over the limit (then not counted). */
    public boolean tryAcquire(String address) {
        long now = clock.millis();
        if (windows.size() > MAX_TRACKED) {
            windows.values().removeIf(w -> now - w.start() >= window.toMillis());
        }
        boolean[] allowed = { false };
        windows.compute(address, (key, current) -> {
            if (current == null || now - current.start() >= window.toMillis()) {
                allowed[0] = true;
                return new Window(now, 1);
            }
            if (current.count() < limit) {
                allowed[0] = true;
                return new Window(current.start(), current.count() + 1);
            }
            return current;
        });
        return allowed[0];
    }
}
