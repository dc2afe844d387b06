package io.robotid.geofence.service;

import java.time.Instant;

import io.robotid.proto.geofence.v1.PermissionChangeKind;

/**
 * A change a robot watching its permissions is told of: a "look again" signal, not state. Made by what
 * changed (a projection, a zone, a grant); whom it is told to and when are set by {@link PermissionWatch}
 * as it is told. Unset identifiers are empty, as the contract shows them.
 *
 * @param kind what changed
 * @param robotId the robot told
 * @param zoneId the zone that changed, or the grant's zone; empty: none
 * @param grantId the grant that changed; empty: none
 * @param policyVersion the policy version of the zone or grant change; 0: none
 * @param changedAt when the robot was told
 * @param detail the change in plain words
 * @param robot the robot after the change; null: not shown
 */
public record PermissionChange(PermissionChangeKind kind, String robotId, String zoneId, String grantId, long policyVersion,
        Instant changedAt, String detail, RobotView robot) {

    /** A change of this kind, in words. */
    public static PermissionChange of(PermissionChangeKind kind, String detail) {
        return new PermissionChange(kind, "", "", "", 0, null, detail, null);
    }

    /** This change, of a zone at a policy version. */
    public PermissionChange zone(String zone, long version) {
        return new PermissionChange(kind, robotId, zone, grantId, version, changedAt, detail, robot);
    }

    /** This change, of a grant into a zone at a policy version. */
    public PermissionChange grant(String grant, String zone, long version) {
        return new PermissionChange(kind, robotId, zone, grant, version, changedAt, detail, robot);
    }

    /** This change, showing the robot as it now is. */
    public PermissionChange showing(RobotView view) {
        return new PermissionChange(kind, robotId, zoneId, grantId, policyVersion, changedAt, detail, view);
    }

    /** This change as told to one robot at an instant. */
    public PermissionChange toldTo(String watcher, Instant at) {
        return new PermissionChange(kind, watcher, zoneId, grantId, policyVersion, at, detail, robot);
    }
}
