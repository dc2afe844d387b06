package io.robotid.geofence.engine;

/** Why a check was denied. A decision carries every reason that applies, in this order. */
public enum Reason {
    ROBOT_UNKNOWN,
    NOT_IN_SERVICE,
    SUSPENDED,
    STOP_USE_RECALL_OPEN,
    PROHIBITED_ZONE,
    NO_GRANT,
    MISSING_CERTIFICATION,
    TASK_NOT_ALLOWED,
    OUTSIDE_TIME_WINDOW,
    INTELLIGENCE_LEVEL_TOO_HIGH,
    /**
     * Offline only: the permission bundle expired and the place is in no zone marked safe for offline use
     * (the bundle's fallback rule). The service never gives it.
     */
    OFFLINE_BUNDLE_EXPIRED
}
