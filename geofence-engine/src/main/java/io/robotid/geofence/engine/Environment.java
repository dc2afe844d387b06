package io.robotid.geofence.engine;

/** Where a certificate lets the robot operate (robotid.certification.v1.Environment). */
public enum Environment {
    INDOOR_ONLY, INDOOR_AND_OUTDOOR
}
