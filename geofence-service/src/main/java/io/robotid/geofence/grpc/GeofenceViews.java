package io.robotid.geofence.grpc;

import com.google.protobuf.Duration;

import io.robotid.evidence.format.Receipts.Place;
import io.robotid.geofence.domain.ZoneDefinitions;
import io.robotid.geofence.engine.CertifiedTier;
import io.robotid.geofence.engine.Decision;
import io.robotid.geofence.engine.RobotProjection;
import io.robotid.geofence.service.PermissionAnswer;
import io.robotid.geofence.service.PermissionChange;
import io.robotid.geofence.service.PermissionCheck;
import io.robotid.geofence.service.RobotView;
import io.robotid.proto.geofence.v1.CheckPermissionRequest;
import io.robotid.proto.geofence.v1.CheckPermissionResponse;
import io.robotid.proto.geofence.v1.Denial;
import io.robotid.proto.geofence.v1.Verdict;
import io.robotid.proto.geofence.v1.WatchPermissionsResponse;

/** The checks and watches as the gRPC contract states them: its requests read, the service's values shown. */
final class GeofenceViews {
    private GeofenceViews() {
    }

    /**
     * A check as the service takes it. Hot path: one small record per check holding the request's own fields
     * (no message is copied); the request itself is kept only by the lambda a DENY starts its denial record with.
     */
    static PermissionCheck check(CheckPermissionRequest request) {
        Place place = switch (request.getPlaceCase()) {
            case POSITION -> Place.position(request.getPosition().getLatitude(), request.getPosition().getLongitude());
            case INDOOR -> Place.indoor(request.getIndoor().getVenue(), request.getIndoor().getFloor(),
                    request.getIndoor().getZoneCode());
            default -> null;
        };
        return new PermissionCheck(request.getRobotId(), place, request.getTaskCategory(), request.hasAt() ? request.getAt() : null,
                () -> Denial.newBuilder().setCheck(request));
    }

    /** The answer to a check: built once, after its receipt is signed (as it always was finished then). */
    static CheckPermissionResponse answer(PermissionAnswer answer) {
        Decision d = answer.decision();
        CheckPermissionResponse.Builder b = CheckPermissionResponse.newBuilder().setRobotId(answer.robotId())
                .setVerdict(verdict(d.verdict())).addAllMatchedZoneIds(d.matchedZoneIds()).setPolicyVersion(d.policyVersion())
                .setCacheFor(Duration.newBuilder().setSeconds(d.cacheFor().getSeconds()).setNanos(d.cacheFor().getNano()))
                .addAllDetails(d.details()).setDecidedAt(answer.decidedAt()).addAllReasons(answer.reasons());
        if (d.speedLimitMps().isPresent()) {
            b.setSpeedLimitMPerS(d.speedLimitMps().getAsDouble());
        }
        return b.setReceipt(answer.receipt()).build();
    }

    static Verdict verdict(io.robotid.geofence.engine.Verdict v) {
        return switch (v) {
            case ALLOW -> Verdict.VERDICT_ALLOW;
            case ALLOW_WITH_CONDITIONS -> Verdict.VERDICT_ALLOW_WITH_CONDITIONS;
            case DENY -> Verdict.VERDICT_DENY;
        };
    }

    /** A change told to a permission watcher. */
    static WatchPermissionsResponse change(PermissionChange c) {
        WatchPermissionsResponse.Builder b = WatchPermissionsResponse.newBuilder().setKind(c.kind()).setRobotId(c.robotId())
                .setZoneId(c.zoneId()).setGrantId(c.grantId()).setPolicyVersion(c.policyVersion())
                .setChangedAt(ZoneDefinitions.timestamp(c.changedAt())).setDetail(c.detail());
        if (c.robot() != null) {
            b.setRobot(projection(c.robot()));
        }
        return b.build();
    }

    /** A robot as the contract shows it to its watchers (with the open STOP_USE recalls' campaign ids). */
    static io.robotid.proto.geofence.v1.RobotProjection projection(RobotView view) {
        RobotProjection r = view.projection();
        var b = io.robotid.proto.geofence.v1.RobotProjection.newBuilder().setRobotId(r.robotId()).setKnown(r.known());
        if (!r.known()) {
            return b.build();
        }
        if (r.status() != null) {
            b.setStatus(io.robotid.proto.lifecycle.v1.RobotStatus.valueOf("ROBOT_STATUS_" + r.status().name()));
        }
        b.setSuspended(r.suspended()).setIntelligenceLevel(ZoneDefinitions.proto(r.intelligenceLevel()))
                .addAllOpenStopUseRecalls(view.openStopUseRecalls());
        if (r.operatorOrg() != null) {
            b.setOperatorOrgId(r.operatorOrg());
        }
        for (CertifiedTier c : r.certifications().values()) {
            b.addCertifiedTiers(ZoneDefinitions.proto(c.tier()));
        }
        view.revalidationPending().stream().sorted().forEach(t -> b.addRevalidationPending(ZoneDefinitions.proto(t)));
        return b.build();
    }
}
