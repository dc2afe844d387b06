package io.robotid.geofence.engine;

/** Lifecycle statuses (robotid.lifecycle.v1.RobotStatus without UNSPECIFIED). */
public enum RobotStatus {
    REGISTERED, IN_STOCK, IN_SERVICE, OUT_OF_SERVICE, SUSPENDED, DECOMMISSIONED, SCRAPPED, RECYCLED
}
