package io.robotid.geofence.engine;

import java.util.Set;

/**
 * The envelope a certificate allows (robotid.certification.v1.OperatingConditions). Absent limits are
 * no limits: {@code null} speed or payload, {@code null} environment (anywhere), {@code null}
 * people-nearby (allowed), an empty task set (any task category).
 */
public record OperatingConditions(Double maxSpeedMps, Double maxPayloadKg, Environment environment,
        Boolean peopleNearbyAllowed, Set<String> allowedTaskCategories) {

    public static final OperatingConditions NONE = new OperatingConditions(null, null, null, null, Set.of());

    public OperatingConditions {
        allowedTaskCategories = TaskCategories.normalizedSet(allowedTaskCategories);
    }

    public static OperatingConditions speed(double maxSpeedMps) {
        return new OperatingConditions(maxSpeedMps, null, null, null, Set.of());
    }
}
