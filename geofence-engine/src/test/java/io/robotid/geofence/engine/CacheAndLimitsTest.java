package io.robotid.geofence.engine;

import static io.robotid.geofence.engine.Fixtures.NOW;
import static io.robotid.geofence.engine.Fixtures.ROBOT_ID;
import static io.robotid.geofence.engine.Fixtures.robot;
import static io.robotid.geofence.engine.Fixtures.withPrecedence;
import static io.robotid.geofence.engine.Fixtures.withValidity;
import static io.robotid.geofence.engine.Fixtures.zone;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Speed limits, matched zones and their order, policy version, how long an answer may be cached. */
class CacheAndLimitsTest {

    @Test
    void theSpeedLimitIsTheLowestOfZonesAndCertificates() {
        RobotProjection r = robot().cert(CertifiedTier.of(Tier.MOBILITY, OperatingConditions.speed(1.2)))
                .cert(CertifiedTier.of(Tier.BASE_SAFETY, OperatingConditions.speed(3.0))).build();
        Decision d = Fixtures.decide(r, List.of(zone("a", ZoneKind.CONDITIONAL, ZoneConditions.NONE.withMaxSpeed(1.5)),
                zone("b", ZoneKind.CONDITIONAL, ZoneConditions.NONE.withMaxSpeed(2.5))), List.of(), "delivery");
        assertThat(d.verdict()).isEqualTo(Verdict.ALLOW_WITH_CONDITIONS);
        assertThat(d.speedLimitMps()).hasValue(1.2);

        Decision zoneLower = Fixtures.decide(r, List.of(zone("a", ZoneKind.CONDITIONAL, ZoneConditions.NONE.withMaxSpeed(0.5))),
                List.of(), "delivery");
        assertThat(zoneLower.speedLimitMps()).hasValue(0.5);
    }

    @Test
    void anExpiredCertificateLimitsNothing() {
        RobotProjection r = robot().cert(new CertifiedTier(Tier.MOBILITY, OperatingConditions.speed(1.0), null, NOW, false))
                .build();
        Decision d = Fixtures.decide(r, List.of(), List.of(), "delivery");
        assertThat(d.verdict()).isEqualTo(Verdict.ALLOW);
        assertThat(d.speedLimitMps()).isEmpty();
    }

    @Test
    void matchedZonesComeHighestPrecedenceFirstThenById() {
        Decision d = Fixtures.decide(robot().build(), List.of(withPrecedence(zone("b", ZoneKind.CONDITIONAL), 1),
                withPrecedence(zone("a", ZoneKind.CONDITIONAL), 1), withPrecedence(zone("z", ZoneKind.CONDITIONAL), 9),
                withValidity(zone("expired", ZoneKind.CONDITIONAL), null, NOW)), List.of(), "delivery");
        assertThat(d.matchedZoneIds()).containsExactly("z", "a", "b");
    }

    @Test
    void policyVersionComesFromTheIndex() {
        ZoneIndex index = ZoneIndex.build(42, List.of(), List.of());
        Decision d = new GeofenceEngine().decide(index, CheckRequest.outdoor(robot().build(), 1, 1, "x", NOW));
        assertThat(d.policyVersion()).isEqualTo(42);
    }

    @Test
    void cacheForDefaultsToTheMaximum() {
        Decision d = Fixtures.decide(robot().build(), List.of(), List.of(), "delivery");
        assertThat(d.cacheFor()).isEqualTo(GeofenceEngine.DEFAULT_MAX_CACHE_FOR);
        Decision custom = new GeofenceEngine(Duration.ofSeconds(5)).decide(Fixtures.index(List.of(), List.of()),
                CheckRequest.outdoor(robot().build(), 1, 1, "x", NOW));
        assertThat(custom.cacheFor()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void cacheForStopsWhenAZoneEndsOrBegins() {
        Decision ends = Fixtures.decide(robot().build(),
                List.of(withValidity(zone("p", ZoneKind.PROHIBITED), null, NOW.plusSeconds(10))), List.of(), "delivery");
        assertThat(ends.cacheFor()).isEqualTo(Duration.ofSeconds(10));
        Decision begins = Fixtures.decide(robot().build(),
                List.of(withValidity(zone("p", ZoneKind.PROHIBITED), NOW.plusSeconds(7), null)), List.of(), "delivery");
        assertThat(begins.verdict()).isEqualTo(Verdict.ALLOW);
        assertThat(begins.cacheFor()).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void cacheForStopsWhenACertificateOrAGrantEndsOrBegins() {
        Decision cert = Fixtures.decide(robot().cert(new CertifiedTier(Tier.BASE_SAFETY, null, null, NOW.plusSeconds(3), false))
                .build(), List.of(), List.of(), "delivery");
        assertThat(cert.cacheFor()).isEqualTo(Duration.ofSeconds(3));
        Decision certLater = Fixtures.decide(robot().without(Tier.BASE_SAFETY)
                .cert(new CertifiedTier(Tier.BASE_SAFETY, null, NOW.plusSeconds(4), null, false)).build(), List.of(), List.of(),
                "delivery");
        assertThat(certLater.verdict()).isEqualTo(Verdict.DENY);
        assertThat(certLater.cacheFor()).isEqualTo(Duration.ofSeconds(4));

        Zone r = zone("r", ZoneKind.RESTRICTED);
        Decision grantEnds = Fixtures.decide(robot().build(), List.of(r),
                List.of(new Grant("g", "r", ROBOT_ID, null, Set.of(), null, NOW.plusSeconds(8))), "delivery");
        assertThat(grantEnds.verdict()).isEqualTo(Verdict.ALLOW);
        assertThat(grantEnds.cacheFor()).isEqualTo(Duration.ofSeconds(8));
        Decision grantBegins = Fixtures.decide(robot().build(), List.of(r),
                List.of(new Grant("g", "r", ROBOT_ID, null, Set.of(), NOW.plusSeconds(9), null)), "delivery");
        assertThat(grantBegins.verdict()).isEqualTo(Verdict.DENY);
        assertThat(grantBegins.cacheFor()).isEqualTo(Duration.ofSeconds(9));
    }

    @Test
    void theIndexRefSwapsOnlyToNewerVersions() {
        ZoneIndexRef ref = new ZoneIndexRef(ZoneIndex.empty(1));
        assertThat(ref.swap(ZoneIndex.empty(2))).isTrue();
        assertThat(ref.swap(ZoneIndex.empty(2))).isFalse();
        assertThat(ref.swap(ZoneIndex.empty(1))).isFalse();
        assertThat(ref.get().policyVersion()).isEqualTo(2);
    }

    @Test
    void decisionsAreImmutable() {
        Decision d = Fixtures.decide(robot().suspended().build(), List.of(zone("p", ZoneKind.PROHIBITED)), List.of(), "x");
        assertThatThrownBy(() -> d.reasons().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> d.matchedZoneIds().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> d.details().clear()).isInstanceOf(UnsupportedOperationException.class);
    }
}
