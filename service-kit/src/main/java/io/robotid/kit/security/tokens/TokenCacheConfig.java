package io.robotid.kit.security.tokens;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The cache of verified tokens ({@code robotid.token-cache.*}). */
@ConfigMapping(prefix = "robotid.token-cache")
public interface TokenCacheConfig {
    /** Off: every call's token is verified by quarkus-oidc. */
    @WithDefault("true")
    boolean enabled();

    /**
     * The share of the heap the cache may take, in percent: entries are weighed by an estimate of their bytes
     * ({@link VerifiedTokens#weight}), and the least used go first beyond it.
     */
    @WithDefault("10")
    int maxHeapPercent();

    /**
     * No longer used: the cache was bounded by a count of tokens before it was bounded by their weight. Still read, so
     * that a deployment that sets it starts (an unknown key under this prefix would stop it) and is told.
     */
    @Deprecated
    Optional<Long> maxSize();

    /** Longest a verified token is reused, whatever its expiry. */
    @WithDefault("5m")
    Duration maxAge();

    /** How often the issuer's JWKS is read to drop tokens whose signing key left it. */
    @WithDefault("60s")
    Duration jwksRefresh();
}
