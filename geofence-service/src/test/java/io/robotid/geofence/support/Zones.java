package io.robotid.geofence.support;

import java.util.Locale;

import io.robotid.proto.geofence.v1.IndoorPlace;
import io.robotid.proto.geofence.v1.ZoneConditions;
import io.robotid.proto.geofence.v1.ZoneDefinition;
import io.robotid.proto.geofence.v1.ZoneKind;

/** GeoJSON and zone definitions for the tests. */
public final class Zones {
    private Zones() {
    }

    /** A square of {@code size} degrees with its south-west corner at (lat, lon). */
    public static String square(double lat, double lon, double size) {
        return "{\"type\":\"Polygon\",\"coordinates\":[" + ring(lat, lon, size) + "]}";
    }

    /** A square with a hole in its middle third. */
    public static String holed(double lat, double lon, double size) {
        double third = size / 3;
        return "{\"type\":\"Polygon\",\"coordinates\":[" + ring(lat, lon, size) + "," + ring(lat + third, lon + third, third) + "]}";
    }

    /** Two squares apart. */
    public static String twoSquares(double lat, double lon, double size) {
        return "{\"type\":\"MultiPolygon\",\"coordinates\":[[" + ring(lat, lon, size) + "],[" + ring(lat, lon + 2 * size, size) + "]]}";
    }

    static String ring(double lat, double lon, double size) {
        return String.format(Locale.ROOT, "[[%f,%f],[%f,%f],[%f,%f],[%f,%f],[%f,%f]]", lon, lat, lon + size, lat, lon + size,
                lat + size, lon, lat + size, lon, lat);
    }

    public static ZoneDefinition.Builder outdoor(String name, ZoneKind kind, String geojson) {
        return ZoneDefinition.newBuilder().setName(name).setKind(kind).setGeojson(geojson);
    }

    public static ZoneDefinition.Builder indoor(String name, ZoneKind kind, String venue, String floor, String code) {
        return ZoneDefinition.newBuilder().setName(name).setKind(kind)
                .setIndoor(IndoorPlace.newBuilder().setVenue(venue).setFloor(floor).setZoneCode(code));
    }

    public static ZoneConditions.Builder speed(double mps) {
        return ZoneConditions.newBuilder().setMaxSpeedMPerS(mps);
    }
}
