package io.robotid.geofence.engine;

import static io.robotid.geofence.engine.Fixtures.NOW;
import static io.robotid.geofence.engine.Fixtures.robot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.locationtech.jts.geom.Coordinate;

/** Malformed input is refused with field violations that name the problem. */
class ValidationTest {

    private static List<FieldViolation> geoViolations(String json) {
        Violations v = new Violations();
        assertThat(GeoJson.parse(json, "geometry", v)).isNull();
        return v.list();
    }

    @ParameterizedTest(name = "{2}")
    @CsvSource(delimiter = '|', textBlock = """
            {"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0.5]]]}                   | geometry.coordinates[0]       | ring is not closed: the first position (0.0, 0.0) differs from the last (0.0, 0.5)
            {"type":"Polygon","coordinates":[[[0,0],[1,1],[1,0],[0,1],[0,0]]]}                     | geometry                      | invalid geometry: self-intersection at (0.5, 0.5)
            {"type":"Polygon","coordinates":[[[0,0],[181,0],[1,1],[0,1],[0,0]]]}                   | geometry.coordinates[0][1]    | longitude 181.0 is out of range [-180, 180]
            {"type":"Polygon","coordinates":[[[0,0],[1,0],[1,-90.5],[0,1],[0,0]]]}                 | geometry.coordinates[0][2]    | latitude -90.5 is out of range [-90, 90]
            {"type":"Polygon","coordinates":[[[0,0],[1,0],[NaN,1],[0,1],[0,0]]]}                   | geometry.coordinates[0][2]    | NaN is not a coordinate
            {"type":"Polygon","coordinates":[[[0,0],[1,0],[1,Infinity],[0,1],[0,0]]]}              | geometry.coordinates[0][2]    | an infinite number is not a coordinate
            {"type":"Polygon","coordinates":[[[0,0],[1,0],[0,0]]]}                                 | geometry.coordinates[0]       | ring has 3 positions; a ring needs at least 4 (the first repeated as the last)
            {"type":"Polygon","coordinates":[]}                                                    | geometry.coordinates          | a polygon needs at least its outer ring
            {"type":"MultiPolygon","coordinates":[]}                                               | geometry.coordinates          | a MultiPolygon needs at least one polygon
            {"type":"Point","coordinates":[0,0]}                                                   | geometry.type                 | must be Polygon or MultiPolygon, not Point
            {"coordinates":[]}                                                                     | geometry.type                 | is required: Polygon or MultiPolygon
            {"type":"Polygon"}                                                                     | geometry.coordinates          | must be an array
            {"type":"Polygon","coordinates":[[[0,0],[1,"x"],[1,1],[0,1],[0,0]]]}                   | geometry.coordinates[0][1]    | must be a position [longitude, latitude] of numbers
            {"type":"Polygon","coordinates":[[[0,0],[1],[1,1],[0,1],[0,0]]]}                       | geometry.coordinates[0][1]    | must be a position [longitude, latitude] of numbers
            {"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]],[[2,2],[3,2],[3,3],[2,2]]]} | geometry                | invalid geometry: a hole lies outside its shell at (2.0, 2.0)
            {"type":"MultiPolygon","coordinates":[[[[0,0],[2,0],[2,2],[0,2],[0,0]]],[[[1,1],[3,1],[3,3],[1,3],[1,1]]]]} | geometry | invalid geometry: self-intersection at (2.0, 1.0)
            {"type":"Polygon","coordinates":[[[170,0],[-170,0],[-170,1],[170,1],[170,0]]]}         | geometry.coordinates[0]       | the edge from (170.0, 0.0) to (-170.0, 0.0) crosses the antimeridian (spans more than 180 degrees of longitude): split the zone at longitude +/-180 into a MultiPolygon (RFC 7946 section 3.1.9)
            {"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]                       | geometry                      | is not valid JSON
            """)
    void geometryProblemsAreNamed(String json, String field, String description) {
        List<FieldViolation> violations = geoViolations(json);
        assertThat(violations).as("%s", violations).anySatisfy(v -> {
            assertThat(v.field()).isEqualTo(field);
            assertThat(v.description()).startsWith(description);
        });
    }

    @Test
    void tooManyVertices() {
        int n = GeometryRules.MAX_VERTICES; // n positions + the closing one
        String ring = IntStream.rangeClosed(0, n).mapToObj(i -> {
            double a = 2 * Math.PI * (i % n) / n;
            return String.format(Locale.ROOT, "[%.9f,%.9f]", Math.cos(a), Math.sin(a));
        }).collect(Collectors.joining(","));
        assertThat(geoViolations("{\"type\":\"Polygon\",\"coordinates\":[[" + ring + "]]}")).singleElement()
                .isEqualTo(new FieldViolation("geometry.coordinates", "has 10001 positions; a zone may have at most 10000"));

        String fits = IntStream.rangeClosed(0, n - 1).mapToObj(i -> {
            double a = 2 * Math.PI * (i % (n - 1)) / (n - 1);
            return String.format(Locale.ROOT, "[%.9f,%.9f]", Math.cos(a), Math.sin(a));
        }).collect(Collectors.joining(","));
        assertThat(GeoJson.parse("{\"type\":\"Polygon\",\"coordinates\":[[" + fits + "]]}", "geometry").getNumPoints())
                .isEqualTo(10_000);
    }

    @Test
    void tooManyTaskCategoriesAndTimeWindows() {
        Set<String> tasks = IntStream.rangeClosed(0, Validation.MAX_TASK_CATEGORIES).mapToObj(i -> "task-" + i)
                .collect(Collectors.toSet());
        List<TimeWindow> windows = IntStream.rangeClosed(0, Validation.MAX_TIME_WINDOWS)
                .mapToObj(i -> TimeWindow.everyDay(LocalTime.of(8, 0), LocalTime.of(9, 0))).toList();
        Zone z = Fixtures.zone("z", ZoneKind.CONDITIONAL,
                ZoneConditions.NONE.withTasks(tasks).withWindows(ZoneId.of("Europe/Berlin"), windows));
        assertThat(Validation.zone(z)).containsExactlyInAnyOrder(
                new FieldViolation("conditions.allowed_task_categories", "has 101 task categories; at most 100 are allowed"),
                new FieldViolation("conditions.time_windows", "has 51 windows; at most 50 are allowed"));
        Grant g = new Grant("g", "z", Fixtures.ROBOT_ID, null, tasks, null, null);
        assertThat(Validation.grant(g)).containsExactly(
                new FieldViolation("task_categories", "has 101 task categories; at most 100 are allowed"));
        Zone fits = Fixtures.zone("z", ZoneKind.CONDITIONAL, ZoneConditions.NONE
                .withTasks(Set.copyOf(List.copyOf(tasks).subList(0, 100)))
                .withWindows(ZoneId.of("Europe/Berlin"), windows.subList(0, 50)));
        assertThat(Validation.zone(fits)).isEmpty();
    }

    @Test
    void everyProblemIsReportedNotJustTheFirst() {
        List<FieldViolation> v = geoViolations("""
                {"type":"MultiPolygon","coordinates":[
                  [[[0,0],[200,0],[1,1],[0,1],[0,0]]],
                  [[[0,0],[1,95],[0,0]]]]}""");
        assertThat(v).extracting(FieldViolation::field)
                .containsExactly("geometry.coordinates[0][0][1]", "geometry.coordinates[1][0][1]", "geometry.coordinates[1][0]");
        assertThatThrownBy(() -> GeoJson.parse("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[0,0]]]}", "zone.geometry"))
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("zone.geometry.coordinates[0]: ring has 3 positions");
    }

    @Test
    void altitudesAreAcceptedAndIgnored() {
        assertThat(GeoJson.parse("{\"type\":\"Polygon\",\"coordinates\":[[[0,0,5],[1,0,5],[1,1,5],[0,1,5],[0,0,5]]]}", "g")
                .getArea()).isEqualTo(1.0);
    }

    @Test
    void aJtsGeometryHandedOverDirectlyIsCheckedToo() {
        Violations v = new Violations();
        GeometryRules.check(GeoJson.FACTORY.createPoint(new Coordinate(0, 0)), "geometry", v);
        GeometryRules.check(GeoJson.FACTORY.createPolygon(new Coordinate[] { new Coordinate(0, 0), new Coordinate(1, 1),
                new Coordinate(1, 0), new Coordinate(0, 1), new Coordinate(0, 0) }), "bowtie", v);
        GeometryRules.check(GeoJson.FACTORY.createPolygon(new Coordinate[] { new Coordinate(0, 0), new Coordinate(0, 100),
                new Coordinate(1, 100), new Coordinate(0, 0) }), "north", v);
        GeometryRules.check(null, "missing", v);
        assertThat(v.list()).containsExactly(
                new FieldViolation("geometry", "must be a Polygon or MultiPolygon, not Point"),
                new FieldViolation("bowtie", "invalid geometry: self-intersection at (0.5, 0.5)"),
                new FieldViolation("north.positions[1]", "latitude 100.0 is out of range [-90, 90]"),
                new FieldViolation("north.positions[2]", "latitude 100.0 is out of range [-90, 90]"),
                new FieldViolation("missing", "is required"));
    }

    @Test
    void timeZones() {
        Violations v = new Violations();
        assertThat(Validation.timeZone("Europe/Berlin", "tz", v)).isEqualTo(ZoneId.of("Europe/Berlin"));
        assertThat(Validation.timeZone("Mars/Olympus_Mons", "conditions.time_zone", v)).isNull();
        assertThat(Validation.timeZone("+02:00", "conditions.time_zone", v)).isNull();
        assertThat(Validation.timeZone("", "conditions.time_zone", v)).isNull();
        assertThat(v.list()).containsExactly(
                new FieldViolation("conditions.time_zone",
                        "unknown time zone 'Mars/Olympus_Mons': use an IANA time zone such as Europe/Berlin"),
                new FieldViolation("conditions.time_zone",
                        "'+02:00' is a fixed offset, not an IANA time zone such as Europe/Berlin"),
                new FieldViolation("conditions.time_zone", "is required: an IANA time zone such as Europe/Berlin"));
    }

    private static Zone zoneWith(ZoneKind kind, ZoneConditions c) {
        return new Zone("z", "a", kind, Fixtures.square(0, 0, 1), 0, null, null, false, false, c);
    }

    @Test
    void zoneProblemsAreNamed() {
        ZoneConditions bad = new ZoneConditions(-1.0, Set.of("", "Ok", "bad task"), Set.of(), null, List.of(
                TimeWindow.everyDay(LocalTime.of(10, 0), LocalTime.of(9, 0)),
                TimeWindow.everyDay(LocalTime.of(10, 0), LocalTime.of(10, 0)),
                new TimeWindow(EnumSet.noneOf(java.time.DayOfWeek.class), LocalTime.of(1, 0), LocalTime.of(2, 0))), null);
        assertThat(Validation.zone(zoneWith(ZoneKind.CONDITIONAL, bad))).containsExactlyInAnyOrder(
                new FieldViolation("conditions.max_speed_m_per_s", "must be in (0, 20.0], not -1.0"),
                new FieldViolation("conditions.allowed_task_categories[0]", "must not be empty"),
                new FieldViolation("conditions.allowed_task_categories[1]",
                        "'bad task' has a character other than a-z, 0-9, '_', '-', '.' at position 4"),
                new FieldViolation("conditions.time_windows[0].end",
                        "must be after start (09:00 is not after 10:00); a window over midnight is two windows"),
                new FieldViolation("conditions.time_windows[1].end",
                        "must be after start (10:00 is not after 10:00); a window over midnight is two windows"),
                new FieldViolation("conditions.time_windows[2].days", "needs at least one day of the week"),
                new FieldViolation("conditions.time_zone",
                        "is required with time windows: an IANA time zone such as Europe/Berlin"));

        assertThat(Validation.zone(zoneWith(ZoneKind.PROHIBITED, ZoneConditions.NONE.withMaxSpeed(1.0)))).singleElement()
                .satisfies(v -> {
                    assertThat(v.field()).isEqualTo("conditions");
                    assertThat(v.description()).startsWith("a PROHIBITED zone denies every robot and takes no conditions");
                });

        Zone empty = new Zone(" ", null, null, null, 0, NOW, NOW, false, false, null);
        assertThat(Validation.zone(empty)).extracting(FieldViolation::field)
                .containsExactly("id", "authority", "kind", "geometry", "valid_until");

        Zone indoor = new Zone("i", "a", ZoneKind.CONDITIONAL, new ZoneGeometry.Indoor(" ", null, "A"), 0, null, null, false,
                false, null);
        assertThat(Validation.zone(indoor)).containsExactly(new FieldViolation("indoor.venue", "is required"),
                new FieldViolation("indoor.zone_code", "needs a floor"));

        assertThat(Validation.zone(zoneWith(ZoneKind.CONDITIONAL, ZoneConditions.NONE.withMaxSpeed(Double.NaN))))
                .containsExactly(new FieldViolation("conditions.max_speed_m_per_s", "must be in (0, 20.0], not NaN"));
        assertThat(Validation.zone(zoneWith(ZoneKind.CONDITIONAL, ZoneConditions.NONE.withMaxSpeed(20.0)))).isEmpty();
    }

    @Test
    void grantProblemsAreNamed() {
        assertThat(Validation.grant(new Grant("g", "z", "R", "op", Set.of(), null, null))).containsExactly(
                new FieldViolation("grantee", "exactly one of robot_id and operator_org is required"));
        assertThat(Validation.grant(new Grant("", "", null, null, Set.of(""), NOW, NOW.minusSeconds(1)))).containsExactly(
                new FieldViolation("id", "is required"), new FieldViolation("zone_id", "is required"),
                new FieldViolation("grantee", "exactly one of robot_id and operator_org is required"),
                new FieldViolation("task_categories[0]", "must not be empty"),
                new FieldViolation("valid_until", "must be after valid_from"));
        assertThat(Validation.grant(new Grant("g", "z", null, "op", Set.of("delivery"), null, null))).isEmpty();
    }

    @Test
    void checkProblemsAreNamed() {
        RobotProjection r = robot().build();
        GeofenceEngine engine = new GeofenceEngine();
        ZoneIndex index = ZoneIndex.empty(1);
        assertThatThrownBy(() -> engine.decide(index, CheckRequest.outdoor(r, 1, 1, "", NOW)))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.violations())
                        .containsExactly(new FieldViolation("task_category", "must not be empty")));
        assertThat(Validation.check(CheckRequest.outdoor(r, 1, 1, null, NOW)))
                .containsExactly(new FieldViolation("task_category", "must not be empty"));
        assertThat(Validation.check(CheckRequest.outdoor(r, Double.NaN, 1, "x", NOW)))
                .containsExactly(new FieldViolation("position", "NaN is not a coordinate"));
        assertThat(Validation.check(CheckRequest.outdoor(r, 91, -181, "x", null))).containsExactly(
                new FieldViolation("position", "longitude -181.0 is out of range [-180, 180]"),
                new FieldViolation("position", "latitude 91.0 is out of range [-90, 90]"),
                new FieldViolation("at", "is required"));
        assertThat(Validation.check(CheckRequest.outdoor(r, 1, Double.POSITIVE_INFINITY, "x", NOW)))
                .containsExactly(new FieldViolation("position", "an infinite number is not a coordinate"));
        assertThat(Validation.check(new CheckRequest(r, new GeoPoint(1, 1), new IndoorLocation("v", "1", "a"), "x", NOW)))
                .containsExactly(new FieldViolation("location", "exactly one of position and indoor is required"));
        assertThat(Validation.check(new CheckRequest(null, null, null, "x".repeat(65), NOW))).extracting(FieldViolation::field)
                .containsExactly("robot", "location", "task_category");
        assertThat(Validation.check(CheckRequest.indoor(r, new IndoorLocation("v", null, ""), "x", NOW)))
                .containsExactly(new FieldViolation("indoor.floor", "is required"), new FieldViolation("indoor.zone_code", "is required"));
        assertThat(Validation.check(CheckRequest.outdoor(r, 90, 180, "Delivery.Night-1", NOW))).isEmpty();
    }

    @Test
    void theIndexRefusesInvalidPoliciesWithPaths() {
        Zone ok = zoneWith(ZoneKind.CONDITIONAL, null);
        Zone badSpeed = zoneWith(ZoneKind.CONDITIONAL, ZoneConditions.NONE.withMaxSpeed(0.0));
        assertThatThrownBy(() -> ZoneIndex.build(1, List.of(ok, badSpeed),
                List.of(new Grant("g", "z", null, null, Set.of(), null, null))))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.violations()).containsExactly(
                        new FieldViolation("zones[1].conditions.max_speed_m_per_s", "must be in (0, 20.0], not 0.0"),
                        new FieldViolation("zones[1].id", "duplicate zone id z"),
                        new FieldViolation("grants[0].grantee", "exactly one of robot_id and operator_org is required")));
    }
}
