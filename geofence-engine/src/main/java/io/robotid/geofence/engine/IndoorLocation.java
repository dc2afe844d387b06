package io.robotid.geofence.engine;

import java.util.Objects;

/** Where a robot is inside a venue: venue, floor and zone code, all required in a check. */
public record IndoorLocation(String venue, String floor, String zoneCode) {
    public IndoorLocation {
        Objects.requireNonNull(venue, "venue");
    }
}
