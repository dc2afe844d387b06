package io.robotid.geofence.domain;

import io.robotid.geofence.engine.RobotProjection;
import io.robotid.kit.error.DomainException;
import io.robotid.kit.security.CallerIdentity;
import io.robotid.kit.security.Role;

/** Who may ask about a robot's permissions (checks, bundles, watches): a rule of the domain, decided from the caller's claims. */
public final class AskingRights {
    private AskingRights() {
    }

    /**
     * Who may ask about a robot: the robot itself (robot_id claim), its operator (org_id claim equal to the
     * projected operator), zone authorities and regulators. Everyone else is refused, and so is an
     * operator asking about a robot it does not run (or one the registry does not know).
     */
    public static void requireMayAsk(CallerIdentity caller, String robotId, RobotProjection robot) {
        if (caller.hasAny(Role.REGULATOR, Role.ZONE_AUTHORITY)) {
            return;
        }
        if (caller.has(Role.ROBOT) && robotId.equals(caller.robotId().map(AskingRights::canonicalOrSame).orElse(null))) {
            return;
        }
        if (caller.has(Role.OPERATOR) && robot.operatorOrg() != null && robot.operatorOrg().equals(caller.orgId().orElse(null))) {
            return;
        }
        throw DomainException.permissionDenied("NOT_YOUR_ROBOT", "a robot may ask only about itself and an operator only about"
                + " the robots it runs; zone authorities and regulators may ask about any robot");
    }

    private static String canonicalOrSame(String id) {
        try {
            return io.robotid.kit.id.RobotId.of(id).canonical();
        } catch (IllegalArgumentException e) {
            return id;
        }
    }
}
