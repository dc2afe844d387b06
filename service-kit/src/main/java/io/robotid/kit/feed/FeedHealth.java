package io.robotid.kit.feed;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.inject.Default;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

/**
 * The feed followers of a service, seen from outside: readiness check "feeds", and the meters. The check
 * is DOWN, with the reason, while a follower that has never had every entry since the service started has
 * been behind for longer than {@code robotid.feeds.max-lag} (it cannot sign in, its publisher is
 * unreachable, or its backlog is long): such a replica would serve an incomplete view. Once a follower has
 * caught up, falling behind later (its publisher or the OIDC provider down) leaves the check UP with the
 * follower "degraded" and why: the replica keeps serving what it has (geofence answers checks from memory),
 * rather than every follower of the registry leaving service with one peer; the alert on
 * {@code robotid_feed_lag_seconds} calls an operator. Meters: {@code robotid_feed_position} (the last sequence
 * applied) and {@code robotid_feed_lag_seconds} (how long since the follower last had every entry; 0 while
 * it has), labelled by feed.
 */
@Readiness
@Default // injectable by followers too (a qualifier alone would hide it)
@Singleton
public class FeedHealth implements HealthCheck {
    private final Set<FeedFollower<?, ?>> followers = ConcurrentHashMap.newKeySet();
    private final Set<String> metered = ConcurrentHashMap.newKeySet();
    private final MeterRegistry meters;
    private final Duration maxLag;

    public FeedHealth(MeterRegistry meters, FeedsConfig config) {
        this.meters = meters;
        this.maxLag = config.maxLag();
    }

    void started(FeedFollower<?, ?> follower) {
        followers.add(follower);
        // one gauge per feed name; a follower started again (tests restart them) keeps reporting through it
        if (metered.add(follower.name())) {
            Tags tags = Tags.of("feed", follower.name());
            Gauge.builder("robotid.feed.position", this, h -> h.value(follower.name(), true)).tags(tags)
                    .description("The last feed sequence this service applied").register(meters);
            Gauge.builder("robotid.feed.lag", this, h -> h.value(follower.name(), false)).tags(tags).baseUnit("seconds")
                    .description("Seconds since the follower last had every entry of its feed (0 while it has)")
                    .register(meters);
        }
    }

    void stopped(FeedFollower<?, ?> follower) {
        followers.remove(follower);
    }

    private double value(String feed, boolean position) {
        for (FeedFollower<?, ?> f : followers) {
            if (f.name().equals(feed)) {
                return position ? f.applied() : f.lag().toMillis() / 1000.0;
            }
        }
        return Double.NaN;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder answer = HealthCheckResponse.named("feeds").up();
        for (FeedFollower<?, ?> f : followers) {
            Duration lag = f.lag();
            String trouble = f.trouble();
            String state;
            if (lag.isZero()) {
                state = "has every entry up to " + f.applied();
            } else {
                String why = trouble == null ? " (catching up)" : ": " + trouble;
                if (!f.caughtUpOnce()) {
                    state = "behind for " + lag.toSeconds() + " s at " + f.applied() + ", never caught up since start" + why;
                    if (lag.compareTo(maxLag) > 0) {
                        answer.down();
                    }
                } else {
                    // it keeps serving what it had: its peers being down must not take it out of service too
                    state = "degraded: behind for " + lag.toSeconds() + " s at " + f.applied() + why;
                }
            }
            answer.withData(f.name(), state);
        }
        return answer.build();
    }
}
