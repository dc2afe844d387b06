package io.robotid.geofence.domain;

import io.robotid.kit.validation.Violations;

/**
 * A latitude / longitude box, as a zone listing or a bundle's region asks for one (not across the
 * antimeridian: that is two boxes).
 */
public record Box(double minLatitude, double minLongitude, double maxLatitude, double maxLongitude) {

    /** Checks the box, naming each broken rule under {@code field}; throws INVALID_ARGUMENT with all of them. */
    public Box requireValid(String field) {
        Violations v = new Violations();
        check(minLatitude, -90, 90, field + ".min_latitude", v);
        check(maxLatitude, -90, 90, field + ".max_latitude", v);
        check(minLongitude, -180, 180, field + ".min_longitude", v);
        check(maxLongitude, -180, 180, field + ".max_longitude", v);
        if (minLatitude > maxLatitude) {
            v.add(field + ".max_latitude", "must not be below min_latitude");
        }
        if (minLongitude > maxLongitude) {
            v.add(field + ".max_longitude", "must not be below min_longitude (a box across the antimeridian is two boxes)");
        }
        v.throwIfAny();
        return this;
    }

    private static void check(double value, double min, double max, String field, Violations v) {
        if (Double.isNaN(value) || value < min || value > max) {
            v.add(field, "must be a number in [" + min + ", " + max + "], not " + value);
        }
    }
}
