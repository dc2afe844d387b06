package io.robotid.geofence.engine;

public enum Verdict {
    ALLOW,
    /** Allowed, with a speed limit the robot must keep to ({@link Decision#speedLimitMps()}). */
    ALLOW_WITH_CONDITIONS,
    DENY
}
