package io.robotid.geofence.engine;

/**
 * Intelligence levels (robotid.filing.v1.IntelligenceLevel without UNSPECIFIED). A robot whose level
 * is unknown is given {@code null}; the engine then treats it as above every limit (see docs/geofence.md).
 */
public enum IntelligenceLevel {
    /** Teleoperated or scripted. */
    L0,
    /** Autonomous locomotion, no autonomous task decisions. */
    L1,
    /** Autonomous task decisions, no intended physical contact, no learning in deployment. */
    L2,
    /** Autonomous task decisions with intended physical contact with people. */
    L3,
    /** Learns in deployment. */
    L4;

    public boolean isAbove(IntelligenceLevel other) {
        return compareTo(other) > 0;
    }
}
