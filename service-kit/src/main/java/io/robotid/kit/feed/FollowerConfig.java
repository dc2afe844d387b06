package io.robotid.kit.feed;

import java.time.Duration;

import io.smallrye.config.WithDefault;

/**
 * One feed follower's settings, a group inside its service's configuration (for example
 * {@code robotid.certification.lifecycle-feed.*}).
 */
public interface FollowerConfig {
    /** Off: the follower does not start (tests that drive the feed themselves). */
    @WithDefault("true")
    boolean enabled();

    /** The first wait before reconnecting after the stream broke; doubled on each failure. */
    @WithDefault("500ms")
    Duration firstRetry();

    /** The longest wait between reconnections. */
    @WithDefault("30s")
    Duration maxRetry();
}
