package io.robotid.geofence.engine;

/** A WGS84 position in degrees (GeoJSON order is lon, lat; this record names them). */
public record GeoPoint(double lat, double lon) {
}
