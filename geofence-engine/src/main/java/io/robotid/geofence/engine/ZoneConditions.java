package io.robotid.geofence.engine;

import java.time.ZoneId;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * What a RESTRICTED or CONDITIONAL zone asks of a robot inside it. Absent is no condition: {@code null}
 * speed and level, empty task set (any task), empty tier set, no windows (any time).
 *
 * @param timeZone IANA time zone of the windows; required when there are windows
 */
public record ZoneConditions(Double maxSpeedMps, Set<String> allowedTaskCategories, Set<Tier> requiredTiers,
        IntelligenceLevel highestIntelligenceLevel, List<TimeWindow> timeWindows, ZoneId timeZone) {

    public static final ZoneConditions NONE = new ZoneConditions(null, Set.of(), Set.of(), null, List.of(), null);

    public ZoneConditions {
        allowedTaskCategories = TaskCategories.normalizedSet(allowedTaskCategories);
        requiredTiers = requiredTiers == null || requiredTiers.isEmpty() ? Set.of()
                : java.util.Collections.unmodifiableSet(EnumSet.copyOf(requiredTiers));
        timeWindows = timeWindows == null ? List.of() : List.copyOf(timeWindows);
    }

    public boolean isEmpty() {
        return maxSpeedMps == null && allowedTaskCategories.isEmpty() && requiredTiers.isEmpty()
                && highestIntelligenceLevel == null && timeWindows.isEmpty();
    }

    public ZoneConditions withMaxSpeed(Double mps) {
        return new ZoneConditions(mps, allowedTaskCategories, requiredTiers, highestIntelligenceLevel, timeWindows, timeZone);
    }

    public ZoneConditions withTasks(Set<String> tasks) {
        return new ZoneConditions(maxSpeedMps, tasks, requiredTiers, highestIntelligenceLevel, timeWindows, timeZone);
    }

    public ZoneConditions withRequiredTiers(Set<Tier> tiers) {
        return new ZoneConditions(maxSpeedMps, allowedTaskCategories, tiers, highestIntelligenceLevel, timeWindows, timeZone);
    }

    public ZoneConditions withHighestLevel(IntelligenceLevel level) {
        return new ZoneConditions(maxSpeedMps, allowedTaskCategories, requiredTiers, level, timeWindows, timeZone);
    }

    public ZoneConditions withWindows(ZoneId zone, List<TimeWindow> windows) {
        return new ZoneConditions(maxSpeedMps, allowedTaskCategories, requiredTiers, highestIntelligenceLevel, windows, zone);
    }
}
