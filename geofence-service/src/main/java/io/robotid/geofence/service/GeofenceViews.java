package io.robotid.geofence.service;

import java.util.List;
import java.util.Set;

import com.google.protobuf.Duration;

import io.robotid.geofence.domain.ZoneDefinitions;
import io.robotid.geofence.engine.CertifiedTier;
import io.robotid.geofence.engine.Decision;
import io.robotid.geofence.engine.Reason;
import io.robotid.geofence.engine.RobotProjection;
import io.robotid.geofence.engine.Tier;
import io.robotid.proto.geofence.v1.CheckPermissionResponse;
import io.robotid.proto.geofence.v1.DenialReason;
import io.robotid.proto.geofence.v1.Verdict;

/** The engine's values as the gRPC contract shows them. */
public final class GeofenceViews {
    private GeofenceViews() {
    }

    /**
     * @param pending the tiers waiting for re-validation
     * @param openStopUseRecalls the campaign ids of the open STOP_USE recalls (the engine's projection keeps only
     *        their number)
     */
    public static io.robotid.proto.geofence.v1.RobotProjection projection(RobotProjection r, Set<Tier> pending,
            List<String> openStopUseRecalls) {
        var b = io.robotid.proto.geofence.v1.RobotProjection.newBuilder().setRobotId(r.robotId()).setKnown(r.known());
        if (!r.known()) {
            return b.build();
        }
        if (r.status() != null) {
            b.setStatus(io.robotid.proto.lifecycle.v1.RobotStatus.valueOf("ROBOT_STATUS_" + r.status().name()));
        }
        b.setSuspended(r.suspended()).setIntelligenceLevel(ZoneDefinitions.proto(r.intelligenceLevel()))
                .addAllOpenStopUseRecalls(openStopUseRecalls);
        if (r.operatorOrg() != null) {
            b.setOperatorOrgId(r.operatorOrg());
        }
        for (CertifiedTier c : r.certifications().values()) {
            b.addCertifiedTiers(ZoneDefinitions.proto(c.tier()));
        }
        pending.stream().sorted().forEach(t -> b.addRevalidationPending(ZoneDefinitions.proto(t)));
        return b.build();
    }

    public static CheckPermissionResponse.Builder decision(String robotId, Decision d, java.time.Instant at) {
        CheckPermissionResponse.Builder b = CheckPermissionResponse.newBuilder().setRobotId(robotId)
                .setVerdict(verdict(d.verdict())).addAllMatchedZoneIds(d.matchedZoneIds()).setPolicyVersion(d.policyVersion())
                .setCacheFor(Duration.newBuilder().setSeconds(d.cacheFor().getSeconds()).setNanos(d.cacheFor().getNano()))
                .addAllDetails(d.details()).setDecidedAt(ZoneDefinitions.timestamp(at));
        for (Reason r : d.reasons()) {
            b.addReasons(reason(r));
        }
        if (d.speedLimitMps().isPresent()) {
            b.setSpeedLimitMPerS(d.speedLimitMps().getAsDouble());
        }
        return b;
    }

    public static Verdict verdict(io.robotid.geofence.engine.Verdict v) {
        return switch (v) {
            case ALLOW -> Verdict.VERDICT_ALLOW;
            case ALLOW_WITH_CONDITIONS -> Verdict.VERDICT_ALLOW_WITH_CONDITIONS;
            case DENY -> Verdict.VERDICT_DENY;
        };
    }

    public static DenialReason reason(Reason r) {
        return DenialReason.valueOf("DENIAL_REASON_" + r.name());
    }
}
