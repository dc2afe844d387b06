package io.robotid.geofence.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.robotid.geofence.engine.RobotProjection;
import io.robotid.geofence.engine.RobotStatus;
import io.robotid.kit.error.DomainException;
import io.robotid.kit.security.CallerIdentity;
import io.robotid.kit.security.OrganisationClaim;
import io.robotid.kit.security.Role;

/** Who may ask about a robot, decided from the caller's claims alone. */
class AskingRightsTest {
    private static final String ROBOT = "CNA1B2C3D4E526BJ000000000001G";
    private static final RobotProjection RUN_BY_ACME = new RobotProjection(ROBOT, true, RobotStatus.IN_SERVICE, false, 0,
            Map.of(), null, "acme");

    private static CallerIdentity caller(Role role, OrganisationClaim claim, String value) {
        return new CallerIdentity("sub", Set.of(role), claim == null ? Map.of() : Map.of(claim, value));
    }

    private static void allowed(CallerIdentity caller) {
        assertThatCode(() -> AskingRights.requireMayAsk(caller, ROBOT, RUN_BY_ACME)).doesNotThrowAnyException();
    }

    private static void refused(CallerIdentity caller, RobotProjection robot) {
        DomainException e = catchThrowableOfType(DomainException.class, () -> AskingRights.requireMayAsk(caller, ROBOT, robot));
        assertThat(e).isNotNull();
        assertThat(e.reason()).isEqualTo("NOT_YOUR_ROBOT");
    }

    @Test
    void regulatorsZoneAuthoritiesTheRobotItselfAndItsOperatorMayAsk() {
        allowed(caller(Role.REGULATOR, null, null));
        allowed(caller(Role.ZONE_AUTHORITY, OrganisationClaim.ORG_ID, "city"));
        allowed(caller(Role.ROBOT, OrganisationClaim.ROBOT_ID, ROBOT));
        allowed(caller(Role.ROBOT, OrganisationClaim.ROBOT_ID, "cn-a1b2-c3d4e5-26bj-000000000001-g")); // any accepted form
        allowed(caller(Role.OPERATOR, OrganisationClaim.ORG_ID, "acme"));
    }

    @Test
    void anotherRobotAnotherOperatorAndOtherRolesMayNot() {
        refused(caller(Role.ROBOT, OrganisationClaim.ROBOT_ID, "CNA1B2C3D4E526BJ000000000002E"), RUN_BY_ACME);
        refused(caller(Role.OPERATOR, OrganisationClaim.ORG_ID, "globex"), RUN_BY_ACME);
        refused(caller(Role.OPERATOR, OrganisationClaim.ORG_ID, "acme"), RobotProjection.unknown(ROBOT));
        refused(caller(Role.MANUFACTURER, OrganisationClaim.MANUFACTURER_CODE, "A1B2"), RUN_BY_ACME);
        refused(CallerIdentity.ANONYMOUS, RUN_BY_ACME);
    }
}
