package io.robotid.bench;

import java.time.LocalTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import io.robotid.geofence.engine.GeoJson;
import io.robotid.geofence.engine.TimeWindow;
import io.robotid.geofence.engine.Zone;
import io.robotid.geofence.engine.ZoneConditions;
import io.robotid.geofence.engine.ZoneGeometry;
import io.robotid.geofence.engine.ZoneKind;
import io.robotid.proto.geofence.v1.Weekday;
import io.robotid.proto.geofence.v1.ZoneDefinition;

/**
 * The zones and check positions of the geofence benchmark, generated deterministically (fixed seeds), so
 * that the engine alone (JMH), geofence-service (loaded through CreateZone) and PostGIS (the same GeoJSON
 * through {@code ST_GeomFromGeoJSON}) see exactly the same polygons and points.
 *
 * <p>Area: 2 x 2 degrees (longitude 13..15, latitude 52..54, about 136 x 222 km). Each zone is centred at a
 * random point with a random size of 30..400 m (half width): half of them squares, 30 % star-shaped
 * polygons of 8..16 vertices with one or two square holes, 20 % MultiPolygons of two or three separate
 * parts. Kinds: 10 % PROHIBITED, 20 % RESTRICTED, 70 % CONDITIONAL; the non-prohibited ones carry a speed
 * limit, a fifth of them a task list, a tenth a daily 07:00-20:00 Europe/Berlin window, a fifth are public
 * spaces. Coordinates are written with 7 decimals (about 1 cm) and every consumer parses that text.
 */
public final class GeofenceZones {
    public static final double MIN_LON = 13.0, MIN_LAT = 52.0, SPAN = 2.0;
    public static final long ZONE_SEED = 20_260_601L, POINT_SEED = 7L;
    public static final String TASK = "delivery";
    /** The instant every check is decided for (a Tuesday, 12:00 in Berlin: inside the windows). */
    public static final java.time.Instant AT = java.time.Instant.parse("2026-06-02T10:00:00Z");

    private static final double METRE_LAT = 1.0 / 111_320;

    /** One zone as the benchmark defines it. {@code geojson} is the exact text every consumer gets. */
    public record Spec(int index, String name, ZoneKind kind, String shape, String geojson, int precedence, Double maxSpeed,
            Set<String> tasks, boolean window, boolean publicSpace) {

        /** As the contract carries it (CreateZone). */
        public ZoneDefinition definition() {
            ZoneDefinition.Builder d = ZoneDefinition.newBuilder().setName(name).setGeojson(geojson).setPrecedence(precedence)
                    .setPublicSpace(publicSpace).setKind(switch (kind) {
                        case PROHIBITED -> io.robotid.proto.geofence.v1.ZoneKind.ZONE_KIND_PROHIBITED;
                        case RESTRICTED -> io.robotid.proto.geofence.v1.ZoneKind.ZONE_KIND_RESTRICTED;
                        case CONDITIONAL -> io.robotid.proto.geofence.v1.ZoneKind.ZONE_KIND_CONDITIONAL;
                    });
            if (kind != ZoneKind.PROHIBITED) {
                io.robotid.proto.geofence.v1.ZoneConditions.Builder c = io.robotid.proto.geofence.v1.ZoneConditions.newBuilder()
                        .setMaxSpeedMPerS(maxSpeed).addAllAllowedTaskCategories(tasks);
                if (window) {
                    c.setTimeZone("Europe/Berlin").addTimeWindows(io.robotid.proto.geofence.v1.TimeWindow.newBuilder()
                            .addAllDays(List.of(Weekday.WEEKDAY_MONDAY, Weekday.WEEKDAY_TUESDAY, Weekday.WEEKDAY_WEDNESDAY,
                                    Weekday.WEEKDAY_THURSDAY, Weekday.WEEKDAY_FRIDAY, Weekday.WEEKDAY_SATURDAY,
                                    Weekday.WEEKDAY_SUNDAY))
                            .setStart("07:00").setEnd("20:00"));
                }
                d.setConditions(c);
            }
            return d.build();
        }

        /** As the engine takes it (the same conversion geofence-service makes: GeoJSON text parsed by GeoJson.parse). */
        public Zone engineZone(String id) {
            ZoneConditions c = ZoneConditions.NONE;
            if (kind != ZoneKind.PROHIBITED) {
                c = c.withMaxSpeed(maxSpeed);
                if (!tasks.isEmpty()) {
                    c = c.withTasks(tasks);
                }
                if (window) {
                    c = c.withWindows(java.time.ZoneId.of("Europe/Berlin"),
                            List.of(TimeWindow.everyDay(LocalTime.of(7, 0), LocalTime.of(20, 0))));
                }
            }
            return new Zone(id, "bench", kind, new ZoneGeometry.Outdoor(GeoJson.parse(geojson, "geojson")), precedence, null, null,
                    publicSpace, false, c);
        }
    }

    private GeofenceZones() {
    }

    public static List<Spec> generate(int count) {
        Random random = new Random(ZONE_SEED);
        List<Spec> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            double cx = MIN_LON + random.nextDouble() * SPAN;
            double cy = MIN_LAT + random.nextDouble() * SPAN;
            double half = 30 + random.nextDouble() * 370; // metres
            double mLon = METRE_LAT / Math.cos(Math.toRadians(cy));
            int s = random.nextInt(10);
            String shape;
            String geojson;
            if (s < 5) {
                shape = "square";
                geojson = polygon(List.<double[][]>of(square(cx, cy, half, mLon)));
            } else if (s < 8) {
                shape = "polygon-with-holes";
                List<double[][]> rings = new ArrayList<>();
                rings.add(star(random, cx, cy, half, mLon));
                if (random.nextBoolean()) {
                    rings.add(reverse(square(cx, cy, 0.15 * half, mLon)));
                } else {
                    rings.add(reverse(square(cx - 0.3 * half * mLon, cy, 0.15 * half, mLon)));
                    rings.add(reverse(square(cx + 0.3 * half * mLon, cy, 0.15 * half, mLon)));
                }
                geojson = polygon(rings);
            } else {
                shape = "multipolygon";
                int parts = 2 + random.nextInt(2);
                List<List<double[][]>> polygons = new ArrayList<>();
                for (int p = 0; p < parts; p++) {
                    double px = cx + (p - (parts - 1) / 2.0) * 0.8 * half * mLon;
                    polygons.add(List.<double[][]>of(random.nextBoolean() ? square(px, cy, 0.3 * half, mLon)
                            : star(random, px, cy, 0.3 * half, mLon)));
                }
                geojson = multiPolygon(polygons);
            }
            int k = random.nextInt(10);
            ZoneKind kind = k == 0 ? ZoneKind.PROHIBITED : k < 3 ? ZoneKind.RESTRICTED : ZoneKind.CONDITIONAL;
            int precedence = random.nextInt(10);
            Double speed = null;
            Set<String> tasks = Set.of();
            boolean window = false;
            boolean publicSpace = false;
            if (kind != ZoneKind.PROHIBITED) {
                speed = 0.5 + random.nextInt(26) / 10.0;
                if (random.nextInt(5) == 0) {
                    tasks = new LinkedHashSet<>(List.of("delivery", "cleaning"));
                }
                window = random.nextInt(10) == 0;
                publicSpace = random.nextInt(5) == 0;
            }
            out.add(new Spec(i, "bench-zone-" + i, kind, shape, geojson, precedence, speed, tasks, window, publicSpace));
        }
        return out;
    }

    /** Check positions, uniform over the area: {lat, lon} pairs. */
    public static double[][] points(int count) {
        Random random = new Random(POINT_SEED);
        double[][] out = new double[count][];
        for (int i = 0; i < count; i++) {
            double lat = round(MIN_LAT + random.nextDouble() * SPAN);
            double lon = round(MIN_LON + random.nextDouble() * SPAN);
            out[i] = new double[] { lat, lon };
        }
        return out;
    }

    /** A counter-clockwise square ring (closed). */
    private static double[][] square(double cx, double cy, double half, double mLon) {
        double dx = half * mLon, dy = half * METRE_LAT;
        return new double[][] { { cx - dx, cy - dy }, { cx + dx, cy - dy }, { cx + dx, cy + dy }, { cx - dx, cy + dy },
                { cx - dx, cy - dy } };
    }

    /**
     * A counter-clockwise star-shaped ring: vertices at increasing angles, radius 0.7..1 of {@code half}
     * (always simple; the disc of radius 0.64 {@code half} is inside, which is where the holes go).
     */
    private static double[][] star(Random random, double cx, double cy, double half, double mLon) {
        int n = 8 + random.nextInt(9);
        double[][] ring = new double[n + 1][];
        for (int i = 0; i < n; i++) {
            double a = 2 * Math.PI * i / n;
            double r = half * (0.7 + 0.3 * random.nextDouble());
            ring[i] = new double[] { cx + r * mLon * Math.cos(a), cy + r * METRE_LAT * Math.sin(a) };
        }
        ring[n] = ring[0];
        return ring;
    }

    private static double[][] reverse(double[][] ring) {
        double[][] out = new double[ring.length][];
        for (int i = 0; i < ring.length; i++) {
            out[i] = ring[ring.length - 1 - i];
        }
        return out;
    }

    private static String polygon(List<double[][]> rings) {
        StringBuilder b = new StringBuilder("{\"type\":\"Polygon\",\"coordinates\":");
        rings(b, rings);
        return b.append('}').toString();
    }

    private static String multiPolygon(List<List<double[][]>> polygons) {
        StringBuilder b = new StringBuilder("{\"type\":\"MultiPolygon\",\"coordinates\":[");
        for (int p = 0; p < polygons.size(); p++) {
            if (p > 0) {
                b.append(',');
            }
            rings(b, polygons.get(p));
        }
        return b.append("]}").toString();
    }

    private static void rings(StringBuilder b, List<double[][]> rings) {
        b.append('[');
        for (int r = 0; r < rings.size(); r++) {
            if (r > 0) {
                b.append(',');
            }
            b.append('[');
            double[][] ring = rings.get(r);
            for (int i = 0; i < ring.length; i++) {
                if (i > 0) {
                    b.append(',');
                }
                b.append('[').append(format(ring[i][0])).append(',').append(format(ring[i][1])).append(']');
            }
            b.append(']');
        }
        b.append(']');
    }

    /** Seven decimals, as String.format("%.7f") would write it (which is too slow for 1.5 million positions). */
    private static String format(double v) {
        long units = Math.round(v * 1e7);
        StringBuilder b = new StringBuilder(16);
        if (units < 0) {
            b.append('-');
            units = -units;
        }
        String frac = Long.toString(units % 10_000_000L);
        b.append(units / 10_000_000L).append('.');
        for (int i = frac.length(); i < 7; i++) {
            b.append('0');
        }
        return b.append(frac).toString();
    }

    private static double round(double v) {
        return Math.round(v * 1e7) / 1e7;
    }
}
