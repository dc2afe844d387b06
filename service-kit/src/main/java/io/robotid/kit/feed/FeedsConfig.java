package io.robotid.kit.feed;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** What every service's feed followers share ({@code robotid.feeds.*}). */
@ConfigMapping(prefix = "robotid.feeds")
public interface FeedsConfig {
    /**
     * A follower that has not caught up since the service started and is behind for longer than this (it
     * cannot sign in, the publisher is down, or it is working through a backlog) makes readiness check
     * "feeds" DOWN; one that falls behind later is reported degraded.
     */
    @WithDefault("2m")
    Duration maxLag();
}
