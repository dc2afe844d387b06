package io.robotid.kit.security.tokens;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.jwt.JsonWebToken;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.robotid.evidence.codec.Hex;
import io.robotid.evidence.codec.Sha256;
import io.robotid.kit.security.CallerIdentity;

/**
 * Tokens quarkus-oidc verified, kept so that each token is verified once rather than on every call (its
 * RS256 signature and claims cost more than a permission check). Keyed by the SHA-256 of the raw token, so
 * the cache never holds a token. An entry is answered only while its token has not expired (checked against
 * the clock on every use, not only when stored), for at most a maximum age, and only while the key that
 * signed it is still in the issuer's JWKS; the cache is bounded by weight, a share of the heap, each entry weighed by
 * an estimate of its bytes (a count of entries would let long tokens take several times what short ones do).
 */
@ApplicationScoped
public class VerifiedTokens {
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(VerifiedTokens.class);
    /** Marks an identity answered from the cache (so it is not stored again). */
    static final String FROM_CACHE = "robotid.token-cache.hit";

    /**
     * A verified token: the identity quarkus-oidc made of it, its expiry, the id of its signing key, and its weight
     * ({@link #weight}).
     */
    record Entry(SecurityIdentity identity, long expiresAtSecond, String keyId, int weight) {
    }

    /**
     * The bytes an entry is taken to hold, for a token of {@code tokenLength} characters: the token itself (kept as
     * the principal's raw token and as the credential, one string), its claims parsed into a map (about twice the
     * payload's characters), and the identity's objects around them (principal, credential, roles, attributes, the
     * caller: about 2 KB). An estimate, not a measurement of each entry: it errs high rather than low.
     */
    static int weight(int tokenLength) {
        return 2_048 + 3 * tokenLength;
    }

    private final Cache<String, Entry> cache;
    private final Clock clock;
    private final boolean enabled;
    private final long maxBytes;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private volatile Set<String> publishedKeys;

    @Inject
    public VerifiedTokens(TokenCacheConfig config, Clock clock) {
        this(config.enabled(), Runtime.getRuntime().maxMemory() / 100 * heapPercent(config), config.maxAge().toMillis(),
                clock);
        config.maxSize().ifPresent(ignored -> LOG.warnf("robotid.token-cache.max-size is no longer used: the cache of"
                + " verified tokens is bounded by their estimated bytes, robotid.token-cache.max-heap-percent (%d %% of"
                + " the heap, %d MB)", config.maxHeapPercent(), maxBytes >> 20));
    }

    private static int heapPercent(TokenCacheConfig config) {
        int percent = config.maxHeapPercent();
        if (percent < 1 || percent > 100) {
            throw new IllegalArgumentException("robotid.token-cache.max-heap-percent must be 1 to 100, not " + percent
                    + " (robotid.token-cache.enabled=false turns the cache off)");
        }
        return percent;
    }

    VerifiedTokens(boolean enabled, long maxBytes, long maxAgeMillis, Clock clock) {
        this.enabled = enabled;
        this.clock = clock;
        this.maxBytes = maxBytes;
        this.cache = Caffeine.newBuilder().maximumWeight(maxBytes).<String, Entry>weigher((key, entry) -> entry.weight())
                .expireAfterWrite(maxAgeMillis, TimeUnit.MILLISECONDS)
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis())).build();
    }

    /** The identity of a token verified before and still good, or null. */
    public SecurityIdentity lookup(String token) {
        if (!enabled) {
            return null;
        }
        String key = key(token);
        Entry e = cache.getIfPresent(key);
        if (e == null) {
            misses.increment();
            return null;
        }
        Set<String> keys = publishedKeys;
        if (clock.millis() / 1000 >= e.expiresAtSecond() || (keys != null && e.keyId() != null && !keys.contains(e.keyId()))) {
            cache.invalidate(key);
            misses.increment();
            return null;
        }
        hits.increment();
        return e.identity();
    }

    /** Keeps an identity quarkus-oidc just verified, if it is a bearer token's with an expiry. */
    public void remember(SecurityIdentity identity) {
        if (!enabled || identity.isAnonymous() || identity.getAttribute(FROM_CACHE) != null
                || !(identity.getPrincipal() instanceof JsonWebToken jwt)) {
            return;
        }
        AccessTokenCredential credential = identity.getCredential(AccessTokenCredential.class);
        long exp = jwt.getExpirationTime();
        if (credential == null || credential.getToken() == null || exp <= clock.millis() / 1000) {
            return;
        }
        String kid = keyId(jwt);
        Set<String> keys = publishedKeys;
        if (keys != null && kid != null && !keys.contains(kid)) {
            return;
        }
        // the copy is made once and answered to every call of the token (a SecurityIdentity is immutable)
        cache.put(key(credential.getToken()), new Entry(copy(identity), exp, kid, weight(credential.getToken().length())));
    }

    /** Runs pending evictions now (tests). */
    void cleanUp() {
        cache.cleanUp();
    }

    /** The issuer's JWKS now holds these key ids: tokens signed by any other key are dropped. */
    public void keysPublished(Set<String> keyIds) {
        publishedKeys = Set.copyOf(keyIds);
        cache.asMap().values().removeIf(e -> e.keyId() != null && !keyIds.contains(e.keyId()));
    }

    public long hits() {
        return hits.sum();
    }

    public long misses() {
        return misses.sum();
    }

    public long size() {
        return cache.estimatedSize();
    }

    /** The estimated bytes of the entries kept ({@link #weight}), at most {@link #maxBytes()}. */
    public long bytes() {
        return cache.policy().eviction().map(eviction -> eviction.weightedSize().orElse(0)).orElse(0L);
    }

    /** The bound on {@link #bytes()}: {@code robotid.token-cache.max-heap-percent} of the heap. */
    public long maxBytes() {
        return maxBytes;
    }

    /**
     * A fresh identity with the same principal, roles, credentials and permissions (quarkus-oidc's, from the
     * token's scopes), and the caller read from it ({@link CallerIdentity#ATTRIBUTE}). Nothing of the call that
     * verified the token is kept: not its routing context, and not the verified identity itself, which holds it.
     * (Delegating permission checks to that identity kept each token's first request alive while the entry
     * lived: 10,000 robots' tokens ran lifecycle-service's heap out in the scale run.) Permission checkers an
     * augmentor adds are therefore not carried over; the registry adds none (its roles and callers decide).
     */
    private static SecurityIdentity copy(SecurityIdentity identity) {
        QuarkusSecurityIdentity.Builder b = QuarkusSecurityIdentity.builder().setPrincipal(identity.getPrincipal())
                .addRoles(identity.getRoles()).addCredentials(identity.getCredentials())
                .addPermissions(identity.getPermissions()).addAttribute(FROM_CACHE, Boolean.TRUE)
                .addAttribute(CallerIdentity.ATTRIBUTE, CallerIdentity.read(identity));
        identity.getAttributes().forEach((name, value) -> {
            if (!(value instanceof io.vertx.ext.web.RoutingContext) && !name.equals(FROM_CACHE)
                    && !name.equals(CallerIdentity.ATTRIBUTE)) {
                b.addAttribute(name, value);
            }
        });
        return b.build();
    }

    private static String keyId(JsonWebToken jwt) {
        Object kid = jwt.getClaim("kid");
        if (kid == null) {
            // the key id is a header, which smallrye-jwt exposes through the token's raw JOSE parts
            String raw = jwt.getRawToken();
            int dot = raw == null ? -1 : raw.indexOf('.');
            if (dot > 0) {
                try {
                    String header = new String(java.util.Base64.getUrlDecoder().decode(raw.substring(0, dot)),
                            StandardCharsets.UTF_8);
                    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"kid\"\\s*:\\s*\"([^\"]*)\"").matcher(header);
                    return m.find() ? m.group(1) : null;
                } catch (IllegalArgumentException e) {
                    return null;
                }
            }
            return null;
        }
        return kid.toString();
    }

    static String key(String token) {
        return Hex.of(Sha256.of(token.getBytes(StandardCharsets.US_ASCII)));
    }
}
