package io.robotid.geofence.service;

import java.util.List;
import java.util.Set;

import io.robotid.geofence.engine.RobotProjection;
import io.robotid.geofence.engine.Tier;

/**
 * A robot as its permission watchers are shown it: its projection, the tiers waiting for re-validation, and
 * the campaign ids of its open STOP_USE recalls (the engine's projection keeps only their number). Taken
 * whole when a change is told; the adapter shows it as the contract's {@code RobotProjection}.
 *
 * @param projection the robot's projection
 * @param revalidationPending the tiers waiting for re-validation
 * @param openStopUseRecalls the campaign ids of the open STOP_USE recalls
 */
public record RobotView(RobotProjection projection, Set<Tier> revalidationPending, List<String> openStopUseRecalls) {
}
