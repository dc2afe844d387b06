package io.robotid.geofence.engine;

import java.time.Instant;

/**
 * A permission check: the robot's projection, exactly one of an outdoor position and an indoor
 * location, the task category (normalised to lower case) and the instant.
 */
public record CheckRequest(RobotProjection robot, GeoPoint position, IndoorLocation indoor, String taskCategory,
        Instant at) {

    public CheckRequest {
        taskCategory = TaskCategories.normalize(taskCategory);
    }

    public static CheckRequest outdoor(RobotProjection robot, double lat, double lon, String task, Instant at) {
        return new CheckRequest(robot, new GeoPoint(lat, lon), null, task, at);
    }

    public static CheckRequest indoor(RobotProjection robot, IndoorLocation where, String task, Instant at) {
        return new CheckRequest(robot, null, where, task, at);
    }
}
