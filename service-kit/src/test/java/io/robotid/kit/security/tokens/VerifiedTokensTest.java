package io.robotid.kit.security.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.Test;

import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.jwt.auth.principal.DefaultJWTCallerPrincipal;

/**
 * The cache of verified tokens never answers a token past its expiry (checked on every use), past the
 * maximum age, or once its signing key left the issuer's JWKS; it is bounded; it holds no raw token.
 */
class VerifiedTokensTest {
    /** A clock the test moves. */
    static final class TestClock extends Clock {
        final AtomicLong millis = new AtomicLong(Instant.parse("2026-12-06T10:00:00Z").toEpochMilli());

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }

        void advanceSeconds(long s) {
            millis.addAndGet(s * 1000);
        }
    }

    final TestClock clock = new TestClock();

    /** An identity as quarkus-oidc makes one of a verified bearer token. */
    SecurityIdentity verified(String subject, String kid, long expiresInSeconds) {
        return verified(subject, kid, expiresInSeconds, java.util.Map.of());
    }

    SecurityIdentity verified(String subject, String kid, long expiresInSeconds, java.util.Map<String, String> extraClaims) {
        long exp = clock.millis() / 1000 + expiresInSeconds;
        String header = Base64.getUrlEncoder().withoutPadding().encodeToString(
                ("{\"alg\":\"RS256\",\"kid\":\"" + kid + "\"}").getBytes(StandardCharsets.UTF_8));
        String token = header + ".eyJzdWIiOiJ" + subject + "In0.sig-" + subject + exp;
        JwtClaims claims = new JwtClaims();
        claims.setSubject(subject);
        claims.setExpirationTimeMinutesInTheFuture(0);
        claims.setClaim("exp", exp);
        extraClaims.forEach(claims::setClaim);
        DefaultJWTCallerPrincipal principal = new DefaultJWTCallerPrincipal(token, "JWT", claims);
        return QuarkusSecurityIdentity.builder().setPrincipal(principal).addRole("ROBOT")
                .addCredential(new AccessTokenCredential(token)).build();
    }

    static String token(SecurityIdentity identity) {
        return identity.getCredential(AccessTokenCredential.class).getToken();
    }

    @Test
    void aVerifiedTokenIsAnsweredUntilTheSecondItExpiresAndNotAfter() {
        VerifiedTokens tokens = new VerifiedTokens(true, 10_000_000, 300_000, clock);
        SecurityIdentity id = verified("robot-1", "k1", 10);
        assertThat(tokens.lookup(token(id))).as("never seen").isNull();
        tokens.remember(id);
        SecurityIdentity hit = tokens.lookup(token(id));
        assertThat(hit).isNotNull();
        assertThat(hit.getPrincipal().getName()).isEqualTo("robot-1");
        assertThat(hit.getRoles()).containsExactly("ROBOT");
        assertThat((Object) hit.getAttribute(VerifiedTokens.FROM_CACHE)).isEqualTo(Boolean.TRUE);
        clock.advanceSeconds(9);
        assertThat(tokens.lookup(token(id))).as("one second before exp").isNotNull();
        clock.advanceSeconds(1);
        assertThat(tokens.lookup(token(id))).as("at exp").isNull();
        assertThat(tokens.hits()).isEqualTo(2);
        assertThat(tokens.misses()).isEqualTo(2);
    }

    @Test
    void aCachedIdentityCarriesItsCallerReadOnceFromTheToken() {
        VerifiedTokens tokens = new VerifiedTokens(true, 10_000_000, 300_000, clock);
        SecurityIdentity id = verified("robot-2", "k1", 60, java.util.Map.of("robot_id", "robot-2-id", "org_id", " ORG-7 "));
        tokens.remember(id);
        SecurityIdentity first = tokens.lookup(token(id));
        SecurityIdentity second = tokens.lookup(token(id));
        io.robotid.kit.security.CallerIdentity caller = io.robotid.kit.security.CallerIdentity.from(first);
        // the same caller object every call of the token: its claims are not read again
        assertThat((Object) first.getAttribute(io.robotid.kit.security.CallerIdentity.ATTRIBUTE)).isSameAs(caller);
        assertThat(io.robotid.kit.security.CallerIdentity.from(second)).isSameAs(caller);
        // and it is what reading the token afresh gives
        io.robotid.kit.security.CallerIdentity fresh = io.robotid.kit.security.CallerIdentity.from(id);
        assertThat(caller.subject()).isEqualTo(fresh.subject()).isEqualTo("robot-2");
        assertThat(caller.roles()).isEqualTo(fresh.roles());
        assertThat(caller.robotId()).isEqualTo(fresh.robotId()).contains("robot-2-id");
        assertThat(caller.orgId()).isEqualTo(fresh.orgId()).contains("ORG-7");
        assertThat(caller.manufacturerCode()).isEmpty();
    }

    @Test
    void noTokenOutlivesTheMaximumAgeWhateverItsExpiry() {
        VerifiedTokens tokens = new VerifiedTokens(true, 10_000_000, 60_000, clock);
        SecurityIdentity id = verified("robot-2", "k1", 3600);
        tokens.remember(id);
        clock.advanceSeconds(59);
        assertThat(tokens.lookup(token(id))).isNotNull();
        clock.advanceSeconds(2);
        assertThat(tokens.lookup(token(id))).isNull();
    }

    @Test
    void aTokenWhoseSigningKeyLeftTheJwksIsDropped() {
        VerifiedTokens tokens = new VerifiedTokens(true, 10_000_000, 300_000, clock);
        SecurityIdentity old = verified("robot-3", "old-key", 3600);
        SecurityIdentity current = verified("robot-4", "new-key", 3600);
        tokens.remember(old);
        tokens.remember(current);
        tokens.keysPublished(Set.of("old-key", "new-key"));
        assertThat(tokens.lookup(token(old))).isNotNull();
        tokens.keysPublished(Set.of("new-key"));
        assertThat(tokens.lookup(token(old))).as("its key was withdrawn").isNull();
        assertThat(tokens.lookup(token(current))).isNotNull();
        // verified again after the withdrawal (an old replica's answer, say): still not answered
        tokens.remember(old);
        assertThat(tokens.lookup(token(old))).isNull();
    }

    @Test
    void theCacheIsBoundedByTheEstimatedBytesOfItsTokensAndOffMeansOff() {
        long bound = 100L * VerifiedTokens.weight(token(verified("r0", "k", 3600)).length());
        VerifiedTokens tokens = new VerifiedTokens(true, bound, 300_000, clock);
        for (int i = 0; i < 1000; i++) {
            tokens.remember(verified("r" + i, "k", 3600));
        }
        tokens.cleanUp();
        assertThat(tokens.bytes()).isLessThanOrEqualTo(bound).isGreaterThan(bound / 2);
        assertThat(tokens.size()).isBetween(50L, 100L);
        assertThat(tokens.maxBytes()).isEqualTo(bound);

        // tokens ten times as long weigh about twice as much (the identity around a token is most of a short one's
        // weight): the same bound holds fewer of them
        VerifiedTokens longer = new VerifiedTokens(true, bound, 300_000, clock);
        String padding = "x".repeat(10 * token(verified("r0", "k", 3600)).length());
        int longLength = token(verified("r0" + padding, "k", 3600)).length();
        for (int i = 0; i < 1000; i++) {
            longer.remember(verified("r" + i + padding, "k", 3600));
        }
        longer.cleanUp();
        assertThat(longer.bytes()).isLessThanOrEqualTo(bound);
        assertThat(longer.size()).isLessThanOrEqualTo(bound / VerifiedTokens.weight(longLength))
                .isLessThan(tokens.size() * 2 / 3);

        VerifiedTokens off = new VerifiedTokens(false, bound, 300_000, clock);
        SecurityIdentity id = verified("robot-5", "k", 3600);
        off.remember(id);
        assertThat(off.lookup(token(id))).isNull();
    }

    @Test
    void anIdentityAnsweredFromTheCacheIsNotStoredAgainAndTheKeyIsTheTokensDigest() {
        VerifiedTokens tokens = new VerifiedTokens(true, 10_000_000, 300_000, clock);
        SecurityIdentity id = verified("robot-6", "k", 3600);
        tokens.remember(id);
        tokens.remember(tokens.lookup(token(id)));
        assertThat(tokens.size()).isEqualTo(1);
        assertThat(VerifiedTokens.key(token(id))).hasSize(64).doesNotContain(token(id));
    }

    @Test
    void theCacheKeepsNothingOfTheCallThatVerifiedTheToken() throws InterruptedException {
        VerifiedTokens tokens = new VerifiedTokens(true, 10_000_000, 300_000, clock);
        // quarkus-oidc's identity of a call carries that call's routing context (its request, its connection):
        // the copy leaves the routing context out, and must not keep the identity itself either
        SecurityIdentity onACall = QuarkusSecurityIdentity.builder(verified("robot-7", "k", 3600))
                .addPermissionAsString("lifecycle:read").build();
        String token = token(onACall);
        var granted = new io.quarkus.security.StringPermission("lifecycle", "read");
        var other = new io.quarkus.security.StringPermission("lifecycle", "write");
        assertThat(onACall.checkPermissionBlocking(granted)).isTrue();
        assertThat(onACall.checkPermissionBlocking(other)).isFalse();
        tokens.remember(onACall);
        java.lang.ref.WeakReference<SecurityIdentity> identity = new java.lang.ref.WeakReference<>(onACall);
        onACall = null;
        for (int i = 0; i < 50 && identity.get() != null; i++) {
            System.gc();
            Thread.sleep(20);
        }
        assertThat(identity.get()).as("the verified identity, once its call is over").isNull();
        SecurityIdentity hit = tokens.lookup(token);
        assertThat(hit.getPrincipal().getName()).isEqualTo("robot-7");
        // the token's permissions (quarkus-oidc's, from its scopes) are checked as the verified identity checked them
        assertThat(hit.checkPermissionBlocking(granted)).isTrue();
        assertThat(hit.checkPermissionBlocking(other)).isFalse();
    }

    /** The configuration as a deployment sets it. */
    static TokenCacheConfig config(int maxHeapPercent, Long maxSize) {
        return new TokenCacheConfig() {
            @Override
            public boolean enabled() {
                return true;
            }

            @Override
            public int maxHeapPercent() {
                return maxHeapPercent;
            }

            @Override
            public java.util.Optional<Long> maxSize() {
                return java.util.Optional.ofNullable(maxSize);
            }

            @Override
            public java.time.Duration maxAge() {
                return java.time.Duration.ofMinutes(5);
            }

            @Override
            public java.time.Duration jwksRefresh() {
                return java.time.Duration.ofSeconds(60);
            }
        };
    }

    @Test
    void theBoundIsTheConfiguredShareOfTheHeapAndAShareOutsideOneToAHundredStopsTheStart() {
        assertThat(new VerifiedTokens(config(10, null), clock).maxBytes())
                .isEqualTo(Runtime.getRuntime().maxMemory() / 100 * 10);
        for (int bad : new int[] { 0, -5, 101 }) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> new VerifiedTokens(config(bad, null), clock))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("robotid.token-cache.max-heap-percent must be 1 to 100, not " + bad);
        }
        // the earlier bound by count is still accepted (a deployment that sets it starts), and ignored
        VerifiedTokens withOldSetting = new VerifiedTokens(config(10, 100L), clock);
        assertThat(withOldSetting.maxBytes()).isEqualTo(Runtime.getRuntime().maxMemory() / 100 * 10);
        for (int i = 0; i < 200; i++) {
            withOldSetting.remember(verified("r" + i, "k", 3600));
        }
        withOldSetting.cleanUp();
        assertThat(withOldSetting.size()).isEqualTo(200);
    }
}
