package io.robotid.geofence.engine;

import static io.robotid.geofence.engine.Fixtures.NOW;
import static io.robotid.geofence.engine.Fixtures.robot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The boundary rule (JTS covers: the boundary is inside), holes, multipolygons, the antimeridian, indoor zones. */
class GeometryTest {

    private static final String SQUARE_WITH_HOLE = """
            {"type":"Polygon","coordinates":[
              [[0,0],[1,0],[1,1],[0,1],[0,0]],
              [[0.25,0.25],[0.25,0.75],[0.75,0.75],[0.75,0.25],[0.25,0.25]]]}""";
    private static final String TWO_SQUARES = """
            {"type":"MultiPolygon","coordinates":[
              [[[0,0],[1,0],[1,1],[0,1],[0,0]]],
              [[[2,0],[3,0],[3,1],[2,1],[2,0]],[[2.4,0.4],[2.6,0.4],[2.6,0.6],[2.4,0.6],[2.4,0.4]]]]}""";
    private static final String TRIANGLE = """
            {"type":"Polygon","coordinates":[[[0,0],[2,0],[0,2],[0,0]]]}""";
    private static final String SPLIT_AT_ANTIMERIDIAN = """
            {"type":"MultiPolygon","coordinates":[
              [[[179,-1],[180,-1],[180,1],[179,1],[179,-1]]],
              [[[-180,-1],[-179,-1],[-179,1],[-180,1],[-180,-1]]]]}""";

    private static ZoneIndex indexOf(String json) {
        return Fixtures.index(List.of(new Zone("z", "a", ZoneKind.PROHIBITED, Fixtures.geo(json), 0, null, null, false, false,
                null)), List.of());
    }

    private static boolean inside(ZoneIndex index, double lat, double lon) {
        boolean viaIndex = !index.zonesAt(lat, lon, NOW).isEmpty();
        Decision d = new GeofenceEngine().decide(index, CheckRequest.outdoor(robot().build(), lat, lon, "delivery", NOW));
        assertThat(d.matchedZoneIds().contains("z")).isEqualTo(viaIndex);
        assertThat(d.reasons().contains(Reason.PROHIBITED_ZONE)).isEqualTo(viaIndex);
        return viaIndex;
    }

    @ParameterizedTest(name = "square with hole: ({0}, {1}) -> {2}")
    @CsvSource({
            "0.1, 0.1, true, interior",
            "0.0, 0.5, true, on the west edge",
            "0.5, 0.0, true, on the south edge",
            "1.0, 0.5, true, on the east edge",
            "0.0, 0.0, true, on a vertex",
            "1.0, 1.0, true, on the opposite vertex",
            "0.5, 0.5, false, inside the hole",
            "0.25, 0.5, true, on the hole's edge",
            "0.25, 0.25, true, on a hole's vertex",
            "0.7499999, 0.5, false, just inside the hole",
            "0.7500001, 0.5, true, just outside the hole",
            "1.0000001, 0.5, false, just outside the shell",
            "-0.0000001, 0.0, false, just outside a vertex",
            "2.0, 2.0, false, far away" })
    void polygonWithHole(double lon, double lat, boolean expected, String what) {
        assertThat(inside(indexOf(SQUARE_WITH_HOLE), lat, lon)).as(what).isEqualTo(expected);
    }

    @ParameterizedTest(name = "multipolygon: ({0}, {1}) -> {2}")
    @CsvSource({
            "0.5, 0.5, true, first part",
            "2.2, 0.5, true, second part",
            "1.5, 0.5, false, between the parts",
            "1.0, 0.5, true, edge of the first part",
            "2.0, 0.5, true, edge of the second part",
            "2.5, 0.5, false, hole of the second part",
            "2.4, 0.5, true, hole edge of the second part" })
    void multiPolygon(double lon, double lat, boolean expected, String what) {
        assertThat(inside(indexOf(TWO_SQUARES), lat, lon)).as(what).isEqualTo(expected);
    }

    @ParameterizedTest(name = "triangle: ({0}, {1}) -> {2}")
    @CsvSource({
            "1.0, 1.0, true, on the diagonal edge",
            "0.5, 1.5, true, on the diagonal edge",
            "1.0000001, 1.0, false, just beyond the diagonal",
            "0.9999999, 1.0, true, just before the diagonal" })
    void diagonalEdge(double lon, double lat, boolean expected, String what) {
        assertThat(inside(indexOf(TRIANGLE), lat, lon)).as(what).isEqualTo(expected);
    }

    @Test
    void aPolygonAcrossTheAntimeridianIsRefusedWithTheReason() {
        String across = """
                {"type":"Polygon","coordinates":[[[179,-1],[-179,-1],[-179,1],[179,1],[179,-1]]]}""";
        assertThatThrownBy(() -> GeoJson.parse(across, "geometry"))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.violations()).singleElement()
                        .satisfies(v -> {
                            assertThat(v.field()).isEqualTo("geometry.coordinates[0]");
                            assertThat(v.description()).contains("crosses the antimeridian").contains("MultiPolygon");
                        }));
    }

    @ParameterizedTest(name = "split at the antimeridian: ({0}, {1}) -> {2}")
    @CsvSource({
            "179.5, 0, true, east part",
            "-179.5, 0, true, west part",
            "180, 0, true, on the antimeridian (+180)",
            "-180, 0, true, on the antimeridian (-180)",
            "180, 1, true, corner on the antimeridian",
            "-180, 1.5, false, beyond the parts",
            "0, 0, false, the other side of the earth",
            "178.9, 0, false, west of the east part" })
    void splitAtTheAntimeridian(double lon, double lat, boolean expected, String what) {
        assertThat(inside(indexOf(SPLIT_AT_ANTIMERIDIAN), lat, lon)).as(what).isEqualTo(expected);
    }

    @Test
    void aZoneTouchingOnlyOneSideOfTheAntimeridianMatchesBothSpellings() {
        ZoneIndex index = indexOf("""
                {"type":"Polygon","coordinates":[[[170,-1],[180,-1],[180,1],[170,1],[170,-1]]]}""");
        assertThat(inside(index, 0, 180)).isTrue();
        assertThat(inside(index, 0, -180)).isTrue();
    }

    @Test
    void indoorZonesMatchByVenueFloorAndCode() {
        Zone venue = new Zone("venue", "mall", ZoneKind.CONDITIONAL, new ZoneGeometry.Indoor("mall", null, null), 0, null, null,
                false, false, ZoneConditions.NONE.withMaxSpeed(2.0));
        Zone floor = new Zone("floor", "mall", ZoneKind.CONDITIONAL, new ZoneGeometry.Indoor("mall", "2", null), 5, null, null,
                false, false, ZoneConditions.NONE.withMaxSpeed(1.5));
        Zone code = new Zone("code", "mall", ZoneKind.PROHIBITED, new ZoneGeometry.Indoor("mall", "2", "kitchen"), 10, null,
                null, false, false, null);
        Zone other = new Zone("other", "mall", ZoneKind.PROHIBITED, new ZoneGeometry.Indoor("airport", "2", "kitchen"), 0,
                null, null, false, false, null);
        ZoneIndex index = Fixtures.index(List.of(venue, floor, code, other), List.of());
        GeofenceEngine engine = new GeofenceEngine();
        RobotProjection r = robot().build();

        Decision kitchen = engine.decide(index, CheckRequest.indoor(r, new IndoorLocation("mall", "2", "kitchen"), "delivery", NOW));
        assertThat(kitchen.matchedZoneIds()).containsExactly("code", "floor", "venue"); // highest precedence first
        assertThat(kitchen.verdict()).isEqualTo(Verdict.DENY);
        assertThat(kitchen.reasons()).containsExactly(Reason.PROHIBITED_ZONE);

        Decision hall = engine.decide(index, CheckRequest.indoor(r, new IndoorLocation("mall", "2", "hall"), "delivery", NOW));
        assertThat(hall.matchedZoneIds()).containsExactly("floor", "venue");
        assertThat(hall.verdict()).isEqualTo(Verdict.ALLOW_WITH_CONDITIONS);
        assertThat(hall.speedLimitMps()).hasValue(1.5);

        Decision ground = engine.decide(index, CheckRequest.indoor(r, new IndoorLocation("mall", "0", "kitchen"), "delivery", NOW));
        assertThat(ground.matchedZoneIds()).containsExactly("venue");

        Decision elsewhere = engine.decide(index, CheckRequest.indoor(r, new IndoorLocation("Mall", "2", "kitchen"), "delivery", NOW));
        assertThat(elsewhere.matchedZoneIds()).as("names are case-sensitive").isEmpty();

        // indoor zones never match an outdoor position and the other way round
        assertThat(index.zonesAt(0, 0, NOW)).isEmpty();
    }

    @Test
    void boxAndVenueQueriesForBundles() {
        Zone a = new Zone("a", "x", ZoneKind.PROHIBITED, Fixtures.square(13.0, 52.0, 0.1), 0, null, null, false, false, null);
        Zone b = new Zone("b", "x", ZoneKind.PROHIBITED, Fixtures.square(14.0, 52.0, 0.1), 0, null, null, false, false, null);
        Zone i = new Zone("i", "x", ZoneKind.PROHIBITED, new ZoneGeometry.Indoor("mall", "1", "a"), 0, null, null, false, false,
                null);
        ZoneIndex index = Fixtures.index(List.of(a, b, i), List.of());
        assertThat(index.outdoorZonesIntersecting(51.9, 12.9, 52.05, 13.05)).extracting(Zone::id).containsExactly("a");
        assertThat(index.outdoorZonesIntersecting(51.0, 12.0, 53.0, 15.0)).extracting(Zone::id).containsExactlyInAnyOrder("a", "b");
        assertThat(index.indoorZonesOf("mall")).extracting(Zone::id).containsExactly("i");
        assertThat(index.indoorZonesOf("airport")).isEmpty();
        assertThat(index.zone("b")).isEqualTo(b);
        assertThat(index.size()).isEqualTo(3);
    }

    /** A star polygon of {@code points} spikes (2 x points vertices) around (lon, lat). */
    private static String star(double lon, double lat, int points) {
        StringBuilder ring = new StringBuilder();
        for (int k = 0; k <= 2 * points; k++) {
            double angle = Math.PI * (k % (2 * points)) / points, r = k % 2 == 0 ? 1.0 : 0.4;
            ring.append(k == 0 ? "" : ",").append('[').append(lon + r * Math.cos(angle)).append(',')
                    .append(lat + r * Math.sin(angle)).append(']');
        }
        return "{\"type\":\"Polygon\",\"coordinates\":[[" + ring + "]]}";
    }

    @Test
    void onlyAPolygonTooLargeToScanHoldsAnIndexedLocatorAndBothAgreeWithJts() {
        ZoneGeometry.Outdoor small = (ZoneGeometry.Outdoor) Fixtures.geo(star(0, 0, 20)); // 40 segments: scanned
        ZoneGeometry.Outdoor large = (ZoneGeometry.Outdoor) Fixtures.geo(star(5, 0, 200)); // 400 segments: indexed
        ZoneIndex index = Fixtures.index(List.of(
                new Zone("small", "a", ZoneKind.PROHIBITED, small, 0, null, null, false, false, null),
                new Zone("large", "a", ZoneKind.PROHIBITED, large, 0, null, null, false, false, null),
                new Zone("square", "a", ZoneKind.PROHIBITED, Fixtures.square(10, 0, 0.5), 0, null, null, false, false, null)),
                List.of());
        assertThat(new CompiledZone(index.zone("small"), List.of(), java.util.Map.of()).hasIndexedLocator()).isFalse();
        assertThat(new CompiledZone(index.zone("square"), List.of(), java.util.Map.of()).hasIndexedLocator()).isFalse();
        assertThat(new CompiledZone(index.zone("large"), List.of(), java.util.Map.of()).hasIndexedLocator()).isTrue();
        java.util.Random random = new java.util.Random(7);
        for (int n = 0; n < 20_000; n++) {
            double lon = -1.2 + random.nextDouble() * 12.4, lat = -1.2 + random.nextDouble() * 2.4;
            org.locationtech.jts.geom.Point p = GeoJson.FACTORY.createPoint(new org.locationtech.jts.geom.Coordinate(lon, lat));
            java.util.Set<String> expected = new java.util.HashSet<>();
            for (String id : List.of("small", "large", "square")) {
                if (((ZoneGeometry.Outdoor) index.zone(id).geometry()).polygonal().covers(p)) {
                    expected.add(id);
                }
            }
            assertThat(index.zonesAt(lat, lon, NOW)).extracting(Zone::id).as("(%s, %s)", lon, lat)
                    .containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    @Test
    void aBoxInAStarsEnvelopeButNotOnItIsNotAnIntersection() {
        ZoneIndex index = indexOf(star(0, 0, 5)); // spikes to radius 1, notches at 0.4
        // the box sits between two spikes, inside the star's envelope
        double angle = Math.PI / 5, r = 0.75;
        double lon = r * Math.cos(angle), lat = r * Math.sin(angle);
        assertThat(index.outdoorZonesIntersecting(lat - 0.01, lon - 0.01, lat + 0.01, lon + 0.01)).isEmpty();
        assertThat(index.outdoorZonesIntersecting(-0.01, -0.01, 0.01, 0.01)).extracting(Zone::id).containsExactly("z");
    }
}
