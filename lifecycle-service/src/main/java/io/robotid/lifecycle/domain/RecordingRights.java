package io.robotid.lifecycle.domain;

import java.util.Map;

import io.robotid.kit.error.DomainException;
import io.robotid.kit.id.RobotId;
import io.robotid.kit.security.CallerIdentity;
import io.robotid.kit.security.Role;
import io.robotid.proto.lifecycle.v1.EventType;
import io.robotid.proto.lifecycle.v1.RobotState;

/**
 * Who may record which event (DESIGN.md section 4): the manufacturer of the robot (production,
 * software, recalls), its owner or operator (sale, transfer, lease, deployment, incidents),
 * service providers (maintenance, parts, recall remedies), regulators (suspension, recalls),
 * recyclers (end of life), the robot itself (its own telemetry only), and the public page (public
 * incident reports, awaiting triage).
 */
public final class RecordingRights {
    private RecordingRights() {
    }

    public static void check(CallerIdentity caller, EventType type, RobotId id, RobotState state,
            boolean publicReport) {
        // The resolver records public incident reports, and nothing else; nobody else records them.
        if (caller.has(Role.REGISTRY_SERVICE) || publicReport) {
            if (!(type == EventType.EVENT_TYPE_INCIDENT_REPORTED && publicReport && caller.has(Role.REGISTRY_SERVICE))) {
                throw DomainException.permissionDenied("NOT_ALLOWED_TO_RECORD_EVENT", publicReport
                        ? "only the public page (role REGISTRY_SERVICE) records public incident reports"
                        : "a registry service records only public incident reports");
            }
            return;
        }
        boolean allowed = switch (type) {
            case EVENT_TYPE_PRODUCED, EVENT_TYPE_SOFTWARE_UPDATED -> caller.actsForManufacturer(id.manufacturerCode());
            case EVENT_TYPE_RECALL_NOTIFIED -> caller.actsForManufacturer(id.manufacturerCode())
                    || caller.has(Role.REGULATOR);
            // The first sale is the manufacturer's; later ones the owner's.
            case EVENT_TYPE_SOLD -> state.getOwnerOrgId().isEmpty() ? caller.actsForManufacturer(id.manufacturerCode())
                    : isOrg(caller, state.getOwnerOrgId());
            case EVENT_TYPE_TRANSFER_INITIATED, EVENT_TYPE_LEASED -> isOrg(caller, state.getOwnerOrgId());
            case EVENT_TYPE_TRANSFER_ACCEPTED -> {
                if (state.getPendingTransferTo().isEmpty()) {
                    throw DomainException.failedPrecondition("NO_PENDING_TRANSFER",
                            "no transfer of this robot awaits acceptance", Map.of("robot_id", id.canonical()));
                }
                yield isOrg(caller, state.getPendingTransferTo());
            }
            case EVENT_TYPE_DEPLOYED, EVENT_TYPE_INCIDENT_REPORTED -> isOrg(caller, state.getOwnerOrgId())
                    || isOrg(caller, state.getOperatorOrgId());
            case EVENT_TYPE_MAINTENANCE_PERFORMED, EVENT_TYPE_COMPONENT_REPLACED, EVENT_TYPE_RECALL_REMEDIED ->
                caller.has(Role.SERVICE_PROVIDER);
            case EVENT_TYPE_SUSPENDED, EVENT_TYPE_REINSTATED -> caller.has(Role.REGULATOR);
            case EVENT_TYPE_DECOMMISSIONED, EVENT_TYPE_SCRAPPED, EVENT_TYPE_RECYCLED -> caller.has(Role.RECYCLER);
            case EVENT_TYPE_TELEMETRY_SUMMARY -> caller.has(Role.ROBOT)
                    && caller.robotId().map(claimed -> sameRobot(claimed, id)).orElse(false);
            case EVENT_TYPE_UNSPECIFIED, UNRECOGNIZED -> false;
        };
        if (!allowed) {
            throw DomainException.permissionDenied("NOT_ALLOWED_TO_RECORD_EVENT", "the caller ("
                    + caller.auditRole() + (caller.auditOrganisation().isEmpty() ? "" : " " + caller.auditOrganisation())
                    + ") may not record " + StateMachine.shortName(type) + " for robot " + id.canonical());
        }
    }

    private static boolean isOrg(CallerIdentity caller, String orgId) {
        return !orgId.isEmpty() && caller.has(Role.OPERATOR) && caller.orgId().map(orgId::equals).orElse(false);
    }

    private static boolean sameRobot(String claimed, RobotId id) {
        RobotId.Parsed parsed = RobotId.parse(claimed);
        return parsed instanceof RobotId.Valid valid && valid.id().equals(id);
    }
}
