package io.robotid.kit.security.tokens;

import jakarta.inject.Singleton;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * {@code robotid_token_cache_hits_total} and {@code robotid_token_cache_misses_total} (a miss is a token
 * quarkus-oidc verified), {@code robotid_token_cache_size_tokens}, the verified tokens kept, and
 * {@code robotid_token_cache_weight_bytes} with {@code robotid_token_cache_max_weight_bytes}, their estimated bytes
 * and the bound on them.
 */
@Singleton
public class TokenCacheMetrics implements MeterBinder {
    private final VerifiedTokens tokens;

    public TokenCacheMetrics(VerifiedTokens tokens) {
        this.tokens = tokens;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        FunctionCounter.builder("robotid.token.cache.hits", tokens, VerifiedTokens::hits)
                .description("Calls whose token was answered from the cache of verified tokens").register(registry);
        FunctionCounter.builder("robotid.token.cache.misses", tokens, VerifiedTokens::misses)
                .description("Calls whose token quarkus-oidc verified").register(registry);
        Gauge.builder("robotid.token.cache.size", tokens, VerifiedTokens::size).baseUnit("tokens")
                .description("Verified tokens kept").register(registry);
        Gauge.builder("robotid.token.cache.weight", tokens, VerifiedTokens::bytes).baseUnit("bytes")
                .description("Estimated bytes of the verified tokens kept").register(registry);
        Gauge.builder("robotid.token.cache.max.weight", tokens, VerifiedTokens::maxBytes).baseUnit("bytes")
                .description("Bound on the estimated bytes of the verified tokens kept").register(registry);
    }
}
