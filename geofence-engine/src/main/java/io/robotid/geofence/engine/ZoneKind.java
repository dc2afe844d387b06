package io.robotid.geofence.engine;

public enum ZoneKind {
    /** No robot. */
    PROHIBITED,
    /** Only robots with a matching grant. */
    RESTRICTED,
    /** Any robot, under the zone's conditions. */
    CONDITIONAL
}
