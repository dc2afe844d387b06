package io.robotid.geofence.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.LinearRing;
import org.locationtech.jts.geom.Point;
import org.locationtech.jts.geom.Polygon;

/**
 * The indexed engine (STRtree + prepared geometries) against a brute-force check of every zone with
 * plain JTS {@code Geometry.covers}, for thousands of random points, vertices and edge points.
 */
class RandomAgreementTest {

    private static final double MIN_LON = 13.0, MIN_LAT = 52.3, SPAN = 0.4;
    private static final Instant AT = Fixtures.NOW;

    @Test
    void indexedAndBruteForceAgree() {
        Random random = new Random(20250602L);
        List<Zone> zones = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            zones.add(randomZone(random, "z" + i));
        }
        ZoneIndex index = ZoneIndex.build(7, zones, List.of());
        GeofenceEngine engine = new GeofenceEngine(Duration.ofDays(1));
        RobotProjection robot = Fixtures.robot().build();

        List<Coordinate> points = new ArrayList<>();
        for (int i = 0; i < 4_000; i++) {
            points.add(new Coordinate(MIN_LON - 0.01 + random.nextDouble() * (SPAN + 0.02),
                    MIN_LAT - 0.01 + random.nextDouble() * (SPAN + 0.02)));
        }
        for (int i = 0; i < 1_000; i++) { // exactly on vertices, and on the midpoints of axis-parallel edges
            Coordinate[] cs = ((Geometry) ((ZoneGeometry.Outdoor) zones.get(random.nextInt(zones.size())).geometry())
                    .polygonal()).getCoordinates();
            int k = random.nextInt(cs.length - 1);
            points.add(cs[k].copy());
            if (cs[k].x == cs[k + 1].x || cs[k].y == cs[k + 1].y) {
                points.add(new Coordinate((cs[k].x + cs[k + 1].x) / 2, (cs[k].y + cs[k + 1].y) / 2));
            }
        }

        int matchedSomewhere = 0, onBoundary = 0;
        for (Coordinate c : points) {
            Point p = GeoJson.FACTORY.createPoint(c);
            TreeSet<String> expected = new TreeSet<>();
            boolean prohibited = false;
            double speed = Double.POSITIVE_INFINITY;
            for (Zone z : zones) {
                Geometry g = ((ZoneGeometry.Outdoor) z.geometry()).polygonal();
                if (z.validAt(AT) && g.covers(p)) {
                    expected.add(z.id());
                    prohibited |= z.kind() == ZoneKind.PROHIBITED;
                    if (z.conditions().maxSpeedMps() != null) {
                        speed = Math.min(speed, z.conditions().maxSpeedMps());
                    }
                    if (g.getBoundary().intersects(p)) {
                        onBoundary++;
                    }
                }
            }
            Decision d = engine.decide(index, CheckRequest.outdoor(robot, c.y, c.x, "delivery", AT));
            assertThat(new TreeSet<>(d.matchedZoneIds())).as("zones at %s", c).isEqualTo(expected);
            assertThat(d.verdict()).as("verdict at %s", c).isEqualTo(prohibited ? Verdict.DENY
                    : speed < Double.POSITIVE_INFINITY ? Verdict.ALLOW_WITH_CONDITIONS : Verdict.ALLOW);
            assertThat(d.speedLimitMps()).isEqualTo(speed < Double.POSITIVE_INFINITY ? OptionalDouble.of(speed)
                    : OptionalDouble.empty());
            assertThat(index.zonesAt(c.y, c.x, AT)).extracting(Zone::id).containsExactlyInAnyOrderElementsOf(expected);
            if (!expected.isEmpty()) {
                matchedSomewhere++;
            }
        }
        // the test is only worth something if many points hit zones, and boundaries were exercised
        assertThat(matchedSomewhere).isGreaterThan(1_000);
        assertThat(onBoundary).isGreaterThan(500);
    }

    private static Zone randomZone(Random random, String id) {
        double cx = MIN_LON + random.nextDouble() * SPAN;
        double cy = MIN_LAT + random.nextDouble() * SPAN;
        double r = 0.002 + random.nextDouble() * 0.03;
        Geometry g = switch (random.nextInt(4)) {
            case 0 -> square(cx, cy, r);
            case 1 -> star(random, cx, cy, r);
            case 2 -> GeoJson.FACTORY.createPolygon(ring(square(cx, cy, r)), new LinearRing[] { ring(square(cx, cy, r / 3)) });
            default -> GeoJson.FACTORY.createMultiPolygon(new Polygon[] { square(cx, cy, r / 2),
                    star(random, cx + 2 * r, cy, r / 2) });
        };
        ZoneKind kind = ZoneKind.values()[random.nextInt(10) == 0 ? 0 : 2]; // a tenth PROHIBITED, else CONDITIONAL
        ZoneConditions c = kind == ZoneKind.CONDITIONAL && random.nextBoolean()
                ? ZoneConditions.NONE.withMaxSpeed(0.5 + random.nextInt(30) / 10.0) : ZoneConditions.NONE;
        Instant from = random.nextInt(10) == 0 ? AT.plusSeconds(60) : null;
        Instant until = from == null && random.nextInt(10) == 0 ? AT : null;
        Zone z = new Zone(id, "a", kind, new ZoneGeometry.Outdoor(g), random.nextInt(5), from, until, false, false, c);
        assertThat(Validation.zone(z)).isEmpty();
        return z;
    }

    private static LinearRing ring(Polygon p) {
        return p.getExteriorRing();
    }

    private static Polygon square(double cx, double cy, double r) {
        return GeoJson.FACTORY.createPolygon(new Coordinate[] { new Coordinate(cx - r, cy - r), new Coordinate(cx + r, cy - r),
                new Coordinate(cx + r, cy + r), new Coordinate(cx - r, cy + r), new Coordinate(cx - r, cy - r) });
    }

    /** A star-shaped (so simple) polygon: vertices at increasing angles, random radii. */
    private static Polygon star(Random random, double cx, double cy, double r) {
        int n = 5 + random.nextInt(20);
        Coordinate[] cs = new Coordinate[n + 1];
        for (int i = 0; i < n; i++) {
            double a = 2 * Math.PI * i / n;
            double rr = r * (0.3 + 0.7 * random.nextDouble());
            cs[i] = new Coordinate(cx + rr * Math.cos(a), cy + rr * Math.sin(a));
        }
        cs[n] = cs[0].copy();
        return GeoJson.FACTORY.createPolygon(cs);
    }
}
