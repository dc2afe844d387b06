package io.robotid.geofence.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Locale;

import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.MultiPolygon;
import org.locationtech.jts.geom.Point;
import org.locationtech.jts.geom.Polygon;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes zone geometry: GeoJSON text and polygons from arbitrary numbers. Every input ends as a valid
 * polygon the engine can use or as violations that name a field under {@code geometry}, never as an
 * exception. A plain test run replays {@code GeoJsonFuzzTestInputs/}; see docs/testing.md, "Fuzzing".
 */
class GeoJsonFuzzTest {

    @FuzzTest(maxDuration = "5m")
    void anyTextIsAPolygonOrNamedViolations(FuzzedDataProvider data) {
        accepted(data.consumeRemainingAsString());
    }

    /** Rings from arbitrary numbers (NaN, infinities, huge, crossing, repeated): deeper into the rules than text. */
    @FuzzTest(maxDuration = "5m")
    void anyNumbersAreAPolygonOrNamedViolations(FuzzedDataProvider data) {
        boolean multi = data.consumeBoolean();
        int polygons = multi ? data.consumeInt(0, 3) : 1;
        StringBuilder json = new StringBuilder("{\"type\":\"").append(multi ? "MultiPolygon" : "Polygon")
                .append("\",\"coordinates\":");
        if (multi) {
            json.append('[');
        }
        for (int p = 0; p < polygons; p++) {
            json.append(p > 0 ? ",[" : "[");
            int rings = data.consumeInt(0, 3);
            for (int r = 0; r < rings; r++) {
                json.append(r > 0 ? ",[" : "[");
                int positions = data.consumeInt(0, 12);
                double firstLon = 0, firstLat = 0;
                for (int i = 0; i < positions; i++) {
                    double lon = coordinate(data, 180), lat = coordinate(data, 90);
                    if (i == 0) {
                        firstLon = lon;
                        firstLat = lat;
                    }
                    boolean close = i == positions - 1 && data.consumeBoolean();
                    json.append(i > 0 ? "," : "").append(position(close ? firstLon : lon, close ? firstLat : lat));
                }
                json.append(']');
            }
            json.append(']');
        }
        if (multi) {
            json.append(']');
        }
        accepted(json.append('}').toString());
    }

    private static double coordinate(FuzzedDataProvider data, double range) {
        return switch (data.consumeInt(0, 7)) {
            case 0 -> data.consumeDouble();
            case 1 -> data.consumeRegularDouble(-range, range);
            default -> data.consumeInt(-4, 4) * 0.001 + (range == 180 ? 13.4 : 52.5); // near one another: real shapes
        };
    }

    private static String position(double lon, double lat) {
        return "[" + number(lon) + "," + number(lat) + "]";
    }

    private static String number(double d) {
        return Double.isFinite(d) ? String.format(Locale.ROOT, "%.17g", d) : Double.toString(d);
    }

    /** Checks the outcome of one input; answers the geometry when it was accepted. */
    static Geometry accepted(String json) {
        Violations v = new Violations();
        Geometry g = GeoJson.parse(json, "geometry", v);
        if (g == null) {
            assertThat(v.list()).as("a refused geometry says why").isNotEmpty();
            assertThat(v.list()).allSatisfy(f -> {
                assertThat(f.field()).startsWith("geometry");
                assertThat(f.description()).isNotBlank();
            });
            return null;
        }
        assertThat(v.list()).isEmpty();
        assertThat(g).isInstanceOfAny(Polygon.class, MultiPolygon.class);
        assertThat(g.isValid()).as("valid by JTS").isTrue();
        assertThat(g.getCoordinates()).hasSizeLessThanOrEqualTo(GeometryRules.MAX_VERTICES)
                .allSatisfy(GeoJsonFuzzTest::onEarth);
        Violations again = new Violations();
        GeometryRules.check(g, "geometry", again);
        assertThat(again.list()).as("the rules agree with the parser").isEmpty();

        // the engine uses it: a point inside a PROHIBITED zone of this shape is denied by that zone
        Zone zone = new Zone("fuzzed", "authority", ZoneKind.PROHIBITED, new ZoneGeometry.Outdoor(g), 0, null, null,
                false, false, ZoneConditions.NONE);
        assertThat(Validation.zone(zone)).isEmpty();
        Point inside = g.getInteriorPoint();
        if (!inside.isEmpty() && g.contains(inside)) {
            Decision d = new GeofenceEngine().decide(ZoneIndex.build(1, List.of(zone), List.of()),
                    CheckRequest.outdoor(Fixtures.robot().build(), inside.getY(), inside.getX(), "delivery", Fixtures.NOW));
            assertThat(d.verdict()).as("inside at %s", inside).isEqualTo(Verdict.DENY);
            assertThat(d.matchedZoneIds()).contains("fuzzed");
        }
        return g;
    }

    private static void onEarth(Coordinate c) {
        assertThat(c.x).isBetween(-180.0, 180.0);
        assertThat(c.y).isBetween(-90.0, 90.0);
    }
}
