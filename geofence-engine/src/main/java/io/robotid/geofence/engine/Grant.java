package io.robotid.geofence.engine;

import java.time.Instant;
import java.util.Set;

/**
 * A zone authority lets one robot ({@code robotId}) or every robot of an operator ({@code operatorOrg})
 * into a zone for some task categories (empty: any) between {@code validFrom} (inclusive) and
 * {@code validUntil} (exclusive; {@code null} is open). Exactly one of robot and operator is set.
 */
public record Grant(String id, String zoneId, String robotId, String operatorOrg, Set<String> taskCategories,
        Instant validFrom, Instant validUntil) {

    public Grant {
        taskCategories = TaskCategories.normalizedSet(taskCategories);
    }

    public boolean validAt(Instant at) {
        return (validFrom == null || !at.isBefore(validFrom)) && (validUntil == null || at.isBefore(validUntil));
    }

    public boolean covers(RobotProjection robot, String taskCategory, Instant at) {
        boolean who = robotId != null ? robotId.equals(robot.robotId())
                : operatorOrg != null && operatorOrg.equals(robot.operatorOrg());
        return who && (taskCategories.isEmpty() || taskCategories.contains(taskCategory)) && validAt(at);
    }
}
