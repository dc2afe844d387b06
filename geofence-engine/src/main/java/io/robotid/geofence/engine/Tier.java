package io.robotid.geofence.engine;

/** Certification tiers (robotid.certification.v1.Tier without UNSPECIFIED). */
public enum Tier {
    BASE_SAFETY, MOBILITY, MANIPULATION, PHYSICAL_INTERACTION, DATA_SECURITY, TASK_SPECIFIC, PUBLIC_SPACE
}
