package io.robotid.geofence.offline;

import io.robotid.evidence.verify.Rejected;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.robotid.geofence.engine.CertifiedTier;
import io.robotid.geofence.engine.CheckRequest;
import io.robotid.geofence.engine.Decision;
import io.robotid.geofence.engine.Environment;
import io.robotid.geofence.engine.GeoJson;
import io.robotid.geofence.engine.GeofenceEngine;
import io.robotid.geofence.engine.Grant;
import io.robotid.geofence.engine.IndoorLocation;
import io.robotid.geofence.engine.IntelligenceLevel;
import io.robotid.geofence.engine.OperatingConditions;
import io.robotid.geofence.engine.Reason;
import io.robotid.geofence.engine.RobotProjection;
import io.robotid.geofence.engine.RobotStatus;
import io.robotid.geofence.engine.Tier;
import io.robotid.geofence.engine.TimeWindow;
import io.robotid.geofence.engine.ValidationException;
import io.robotid.geofence.engine.Verdict;
import io.robotid.geofence.engine.Zone;
import io.robotid.geofence.engine.ZoneConditions;
import io.robotid.geofence.engine.ZoneGeometry;
import io.robotid.geofence.engine.ZoneIndex;
import io.robotid.geofence.engine.ZoneKind;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OfflineBundleTest {

    static final Instant ISSUED = Instant.parse("2026-11-25T09:00:00Z");
    static final Instant EXPIRES = ISSUED.plus(Duration.ofHours(1));
    static final String ROBOT = "R-OFFLINE-1";
    final Signer signer = new Signer("bundle-key");

    static RobotProjection robot() {
        Map<Tier, CertifiedTier> tiers = new EnumMap<>(Tier.class);
        tiers.put(Tier.BASE_SAFETY, new CertifiedTier(Tier.BASE_SAFETY,
                new OperatingConditions(2.5, 20.0, Environment.INDOOR_AND_OUTDOOR, true, Set.of()), null,
                ISSUED.plus(Duration.ofMinutes(40)), false));
        tiers.put(Tier.MOBILITY, CertifiedTier.of(Tier.MOBILITY));
        tiers.put(Tier.PUBLIC_SPACE, CertifiedTier.of(Tier.PUBLIC_SPACE, OperatingConditions.speed(1.5)));
        tiers.put(Tier.DATA_SECURITY, CertifiedTier.of(Tier.DATA_SECURITY));
        return new RobotProjection(ROBOT, true, RobotStatus.IN_SERVICE, false, 0, tiers, IntelligenceLevel.L3, "op-1");
    }

    static List<Zone> zones() {
        ZoneConditions windows = ZoneConditions.NONE.withWindows(ZoneId.of("Europe/Berlin"),
                List.of(new TimeWindow(EnumSet.of(DayOfWeek.WEDNESDAY), LocalTime.of(8, 0), LocalTime.of(10, 30))))
                .withMaxSpeed(1.0).withTasks(Set.of("delivery", "inspection"));
        return List.of(
                new Zone("holed", "city", ZoneKind.CONDITIONAL, new ZoneGeometry.Outdoor(GeoJson.parse(
                        "{\"type\":\"Polygon\",\"coordinates\":[[[13.0,52.0],[13.1,52.0],[13.1,52.1],[13.0,52.1],[13.0,52.0]],"
                                + "[[13.04,52.04],[13.06,52.04],[13.06,52.06],[13.04,52.06],[13.04,52.04]]]}", "g")),
                        1, null, null, true, true, windows),
                new Zone("multi", "port", ZoneKind.RESTRICTED, new ZoneGeometry.Outdoor(GeoJson.parse(
                        "{\"type\":\"MultiPolygon\",\"coordinates\":[[[[13.05,52.05],[13.08,52.05],[13.08,52.08],[13.05,52.08],[13.05,52.05]]],"
                                + "[[[13.12,52.0],[13.15,52.0],[13.15,52.03],[13.12,52.03],[13.12,52.0]]]]}", "g")),
                        5, null, EXPIRES.plus(Duration.ofDays(1)), false, false, ZoneConditions.NONE.withMaxSpeed(0.8)),
                new Zone("no-go", "city", ZoneKind.PROHIBITED, new ZoneGeometry.Outdoor(GeoJson.parse(
                        "{\"type\":\"Polygon\",\"coordinates\":[[[13.09,52.09],[13.2,52.09],[13.2,52.2],[13.09,52.2],[13.09,52.09]]]}",
                        "g")), 9, null, null, false, false, null),
                new Zone("hall", "venue-owner", ZoneKind.CONDITIONAL, new ZoneGeometry.Indoor("expo", "2", null), 0, null, null,
                        false, true, ZoneConditions.NONE.withHighestLevel(IntelligenceLevel.L2)));
    }

    static List<Grant> grants() {
        return List.of(new Grant("g1", "multi", null, "op-1", Set.of("delivery"), null, ISSUED.plus(Duration.ofMinutes(30))));
    }

    PermissionBundle content(PermissionBundle.Region region) {
        return new PermissionBundle(ROBOT, ISSUED, EXPIRES, 42, region, PermissionBundle.Fallback.DEFAULT, robot(), zones(),
                grants());
    }

    record Signed(byte[] bytes, byte[] signature) {
    }

    Signed signed(PermissionBundle b) {
        byte[] bytes = BundleCodec.write(b);
        return new Signed(bytes, signer.sign(bytes));
    }

    @Test
    void theOfflineDecisionIsTheServicesOnThousandsOfRandomChecks() throws Exception {
        PermissionBundle content = content(PermissionBundle.Region.box(51.95, 12.95, 52.25, 13.25));
        Signed s = signed(content);
        OfflineBundle offline = OfflineBundle.open(s.bytes, "bundle-key", s.signature, signer.trusted(), ROBOT);
        // what the service does: the same engine over its own index of the same zones and grants
        ZoneIndex service = ZoneIndex.build(42, zones(), grants());
        GeofenceEngine engine = new GeofenceEngine();
        Random random = new Random(7);
        String[] tasks = {"delivery", "inspection", "cleaning", "physical_interaction.care"};
        int allowed = 0;
        int denied = 0;
        for (int i = 0; i < 4000; i++) {
            double lat = 51.95 + random.nextDouble() * 0.3;
            double lon = 12.95 + random.nextDouble() * 0.3;
            String task = tasks[random.nextInt(tasks.length)];
            Instant at = ISSUED.plusSeconds(random.nextInt(3600));
            Decision expected = engine.decide(service, CheckRequest.outdoor(robot(), lat, lon, task, at));
            Decision actual = offline.decide(lat, lon, task, at);
            assertThat(actual).as("check %d at %f,%f %s %s", i, lat, lon, task, at).isEqualTo(expected);
            if (actual.allowed()) {
                allowed++;
            } else {
                denied++;
            }
        }
        assertThat(allowed).isGreaterThan(100);
        assertThat(denied).isGreaterThan(100);
    }

    @Test
    void theBundleReadsBackAsWritten() throws Exception {
        PermissionBundle content = content(PermissionBundle.Region.box(51.95, 12.95, 52.25, 13.25));
        PermissionBundle read = BundleCodec.read(BundleCodec.write(content));
        assertThat(read.robot()).isEqualTo(content.robot());
        assertThat(read.grants()).isEqualTo(content.grants());
        assertThat(read.region()).isEqualTo(content.region());
        assertThat(read.fallback()).isEqualTo(content.fallback());
        for (int i = 0; i < content.zones().size(); i++) {
            Zone a = content.zones().get(i);
            Zone b = read.zones().get(i);
            assertThat(b.conditions()).isEqualTo(a.conditions());
            assertThat(List.of(b.id(), b.kind(), b.precedence(), b.publicSpace(), b.safeForOffline()))
                    .isEqualTo(List.of(a.id(), a.kind(), a.precedence(), a.publicSpace(), a.safeForOffline()));
            if (a.geometry() instanceof ZoneGeometry.Outdoor out) {
                assertThat(((ZoneGeometry.Outdoor) b.geometry()).polygonal().equalsExact(out.polygonal())).isTrue();
            } else {
                assertThat(b.geometry()).isEqualTo(a.geometry());
            }
        }
        assertThat(BundleCodec.write(read)).isEqualTo(BundleCodec.write(content));
    }

    @Test
    void aBundleWithAnyChangedByteIsRefused() {
        Signed s = signed(content(PermissionBundle.Region.box(51.95, 12.95, 52.25, 13.25)));
        Random random = new Random(3);
        for (int i = 0; i < 300; i++) {
            byte[] changed = s.bytes.clone();
            changed[random.nextInt(changed.length)] ^= (byte) (1 + random.nextInt(255));
            assertThatThrownBy(() -> OfflineBundle.open(changed, "bundle-key", s.signature, signer.trusted(), ROBOT))
                    .isInstanceOfSatisfying(Rejected.class,
                            e -> assertThat(e.why()).isEqualTo(Rejected.Why.BAD_SIGNATURE));
        }
        byte[] longer = java.util.Arrays.copyOf(s.bytes, s.bytes.length + 1);
        assertThatThrownBy(() -> OfflineBundle.open(longer, "bundle-key", s.signature, signer.trusted(), ROBOT))
                .hasMessageContaining("BAD_SIGNATURE");
        assertThatThrownBy(() -> OfflineBundle.open(s.bytes, "other", s.signature, signer.trusted(), ROBOT))
                .hasMessageContaining("UNKNOWN_KEY");
        assertThatThrownBy(() -> OfflineBundle.open(s.bytes, "bundle-key", s.signature, signer.trusted(), "R-SOMEONE-ELSE"))
                .hasMessageContaining("WRONG_ROBOT");
    }

    @Test
    void anExpiredBundleIsRefusedWhenFreshnessIsAskedAndFallsBackOtherwise() throws Exception {
        Signed s = signed(content(PermissionBundle.Region.box(51.95, 12.95, 52.25, 13.25)));
        assertThatThrownBy(() -> OfflineBundle.openFresh(s.bytes, "bundle-key", s.signature, signer.trusted(), ROBOT, EXPIRES))
                .hasMessageContaining("EXPIRED");
        OfflineBundle fresh = OfflineBundle.openFresh(s.bytes, "bundle-key", s.signature, signer.trusted(), ROBOT,
                EXPIRES.minusSeconds(1));
        // a Wednesday 09:00 Berlin = 08:00 UTC: inside the holed zone's window; BASE_SAFETY lapsed at +40 min,
        // so make the instant one whose certificate still counts for the first assertion
        Instant before = ISSUED.plus(Duration.ofMinutes(10));
        assertThat(fresh.decide(52.02, 13.02, "delivery", before).verdict()).isEqualTo(Verdict.ALLOW_WITH_CONDITIONS);

        PermissionBundle longLived = new PermissionBundle(ROBOT, ISSUED, ISSUED.plusSeconds(60), 42,
                PermissionBundle.Region.box(51.95, 12.95, 52.25, 13.25), PermissionBundle.Fallback.DEFAULT,
                withBaseSafetyForever(), zones(), grants());
        Signed s2 = signed(longLived);
        OfflineBundle expired = OfflineBundle.open(s2.bytes, "bundle-key", s2.signature, signer.trusted(), ROBOT);
        Instant after = ISSUED.plusSeconds(120);
        // in the safe-for-offline zone: still allowed, at the fallback speed
        Decision safe = expired.decide(52.02, 13.02, "delivery", after);
        assertThat(safe.verdict()).isEqualTo(Verdict.ALLOW_WITH_CONDITIONS);
        assertThat(safe.speedLimitMps().getAsDouble()).isEqualTo(0.5);
        // outside every safe zone: denied for the expiry
        Decision elsewhere = expired.decide(51.97, 12.97, "delivery", after);
        assertThat(elsewhere.verdict()).isEqualTo(Verdict.DENY);
        assertThat(elsewhere.reasons()).containsExactly(Reason.OFFLINE_BUNDLE_EXPIRED);
        // the same place before expiry was allowed
        assertThat(expired.decide(51.97, 12.97, "delivery", ISSUED.plusSeconds(10)).allowed()).isTrue();
    }

    private static RobotProjection withBaseSafetyForever() {
        RobotProjection r = robot();
        Map<Tier, CertifiedTier> tiers = new EnumMap<>(r.certifications());
        tiers.put(Tier.BASE_SAFETY, CertifiedTier.of(Tier.BASE_SAFETY));
        return new RobotProjection(r.robotId(), true, r.status(), false, 0, tiers, r.intelligenceLevel(), r.operatorOrg());
    }

    @Test
    void placesOutsideTheRegionAreNotDecided() throws Exception {
        Signed box = signed(content(PermissionBundle.Region.box(51.95, 12.95, 52.25, 13.25)));
        OfflineBundle b = OfflineBundle.open(box.bytes, "bundle-key", box.signature, signer.trusted(), ROBOT);
        assertThatThrownBy(() -> b.decide(53.0, 13.0, "delivery", ISSUED)).isInstanceOf(ValidationException.class)
                .hasMessageContaining("outside the bundle's region");
        assertThatThrownBy(() -> b.decide(new IndoorLocation("expo", "2", "a"), "delivery", ISSUED))
                .hasMessageContaining("not the bundle's venue");

        Signed venue = signed(content(PermissionBundle.Region.venue("expo")));
        OfflineBundle v = OfflineBundle.open(venue.bytes, "bundle-key", venue.signature, signer.trusted(), ROBOT);
        Decision hall = v.decide(new IndoorLocation("expo", "2", "a"), "delivery", ISSUED.plusSeconds(5));
        assertThat(hall.reasons()).containsExactly(Reason.INTELLIGENCE_LEVEL_TOO_HIGH);
    }
}
