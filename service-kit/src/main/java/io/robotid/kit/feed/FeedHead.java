package io.robotid.kit.feed;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/**
 * {@code robotid_feed_head{feed}}: the newest sequence of a feed this service publishes, read from its
 * table every few seconds, so a follower's lag in entries is {@code robotid_feed_head - robotid_feed_position}
 * (the dashboard's "Feed lag in entries").
 */
public final class FeedHead {
    /** How often the head is read. */
    public static final Duration EVERY = Duration.ofSeconds(5);

    private final AtomicLong head = new AtomicLong();

    private FeedHead() {
    }

    /** Registers the gauge of {@code feed} and starts reading {@code latest} (the repository's max sequence). */
    public static void start(MeterRegistry meters, Vertx vertx, String feed, Supplier<Uni<Long>> latest) {
        FeedHead h = new FeedHead();
        Gauge.builder("robotid.feed.head", h.head, AtomicLong::get).tag("feed", feed)
                .description("The newest sequence of a feed this service publishes").register(meters);
        Runnable read = () -> latest.get().subscribe().with(n -> h.head.accumulateAndGet(n, Math::max), failure -> {
            // the next read tries again; readiness reports the database
        });
        read.run();
        vertx.setPeriodic(EVERY.toMillis(), id -> read.run());
    }
}
