package io.robotid.kit.feed;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** What every service's feed followers share ({@code robotid.feeds.*}). */
@ConfigMapping(prefix = "robotid.feeds")
public interface FeedsConfig {
    /**
     * A follower that has not had every entry of its feed for longer than this (it cannot sign in, the
     * publisher is down, or it is working through a backlog) makes readiness check "feeds" DOWN.
     */
    @WithDefault("2m")
    Duration maxLag();
}
