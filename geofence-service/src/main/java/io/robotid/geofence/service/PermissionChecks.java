package io.robotid.geofence.service;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.google.protobuf.Timestamp;

import io.robotid.geofence.GeofenceConfig;
import io.robotid.geofence.domain.AskingRights;
import io.robotid.geofence.domain.ZoneDefinitions;
import io.robotid.geofence.engine.CheckRequest;
import io.robotid.geofence.engine.Decision;
import io.robotid.geofence.engine.GeofenceEngine;
import io.robotid.geofence.engine.IndoorLocation;
import io.robotid.geofence.engine.Reason;
import io.robotid.geofence.engine.RobotProjection;
import io.robotid.geofence.engine.ValidationException;
import io.robotid.geofence.engine.ZoneIndex;
import io.robotid.evidence.codec.Hex;
import io.robotid.evidence.format.Receipts.Place;
import io.robotid.evidence.format.Receipts.ReceiptV2;
import io.robotid.geofence.offline.Receipts;
import io.robotid.kit.error.DomainException;
import io.robotid.kit.validation.Violations;
import io.robotid.kit.error.TraceIds;
import io.robotid.kit.security.CallerIdentity;
import io.robotid.proto.geofence.v1.DenialReason;
import io.smallrye.mutiny.Uni;

/**
 * The check: who may ask, the decision from memory (the current policy and the robot's projection, no
 * database, no network), the signed receipt, and the denial's audit record.
 */
@ApplicationScoped
public class PermissionChecks {
    private final PolicyStore policy;
    private final Projections projections;
    private final ReceiptSigner signer;
    private final DenialLog denials;
    private final GeofenceEngine engine;
    private final Clock clock;
    private final GeofenceMeters meters;

    public PermissionChecks(PolicyStore policy, Projections projections, ReceiptSigner signer, DenialLog denials, Clock clock,
            GeofenceMeters meters,
            GeofenceConfig config) {
        this.policy = policy;
        this.projections = projections;
        this.signer = signer;
        this.denials = denials;
        this.clock = clock;
        this.meters = meters;
        this.engine = new GeofenceEngine(config.maxCacheFor());
    }

    /**
     * Decides a check and answers the decision with its signed receipt. The hot path does the work it did when
     * it took and answered proto: the check is read from the request once (by the adapter, no copy), the answer
     * message is built once (by the adapter, after signing, from the same values), and the decided-at timestamp
     * and the reasons, which the denial record seals too, are made once here and shared. Only a DENY builds its
     * denial, from the check as asked.
     */
    public Uni<PermissionAnswer> check(CallerIdentity caller, PermissionCheck check) {
        long started = System.nanoTime();
        String robotId = Violations.requireRobotId("robot_id", check.robotId());
        Projections.Projected projected = projections.projected(robotId);
        RobotProjection robot = projected.projection();
        AskingRights.requireMayAsk(caller, robotId, robot);
        // kept to the microsecond, as every recorded instant (EVIDENCE.md section 1)
        Instant at = (check.at() != null ? ZoneDefinitions.instant(true, check.at()) : clock.instant())
                .truncatedTo(ChronoUnit.MICROS);
        Place place = check.place();
        CheckRequest engineRequest;
        if (place == null) {
            throw DomainException.invalidArgument("place", "exactly one of position and indoor is required");
        } else if (place.outdoor()) {
            engineRequest = CheckRequest.outdoor(robot, place.latitude(), place.longitude(), check.taskCategory(), at);
        } else {
            engineRequest = new CheckRequest(robot, null, indoor(place), check.taskCategory(), at);
        }
        PolicyStore.Policy current = policy.policy();
        if (!current.verified()) {
            throw DomainException.unavailable("POLICY_NOT_VERIFIED", "the zone policy does not check out against its log ("
                    + policy.integrityProblem() + "); no permission is answered from it: decide by your bundle's fallback rule");
        }
        ZoneIndex index = current.index();
        Decision decision;
        try {
            decision = engine.decide(index, engineRequest);
        } catch (ValidationException e) {
            throw ZoneDefinitions.invalid(e.violations().stream()
                    .map(v -> new io.robotid.geofence.engine.FieldViolation(field(v.field()), v.description())).toList());
        }
        ReceiptV2 stated = Receipts.receipt(robotId, place, check.taskCategory(), at, decision, current.hash(),
                projected.digest());
        String digest = Hex.of(stated.inputsDigest());
        Timestamp decidedAt = ZoneDefinitions.timestamp(at);
        List<DenialReason> reasons = reasons(decision);
        if (!decision.allowed()) {
            denials.record(check.asked().denial().setRobotId(robotId).addAllReasons(reasons)
                    .addAllMatchedZoneIds(decision.matchedZoneIds()).setPolicyVersion(decision.policyVersion())
                    .setDecidedAt(decidedAt).setSubject(caller.subject()).setRole(caller.auditRole())
                    .setOrganisation(caller.auditOrganisation()).setTraceId(TraceIds.current()).setInputsSha256(digest).build());
        }
        // signed on this event loop with the other receipts it makes meanwhile (no thread hop)
        return signer.receipt(Receipts.payload(stated), digest).map(receipt -> {
            meters.checked(decision.verdict(), System.nanoTime() - started);
            return new PermissionAnswer(robotId, decision, decidedAt, reasons, receipt);
        });
    }

    /** A decision's reasons as the contract and the denial record name them (none unless DENY). */
    private static List<DenialReason> reasons(Decision decision) {
        if (decision.reasons().isEmpty()) {
            return List.of();
        }
        List<DenialReason> out = new ArrayList<>(decision.reasons().size());
        for (Reason r : decision.reasons()) {
            out.add(DenialReason.valueOf("DENIAL_REASON_" + r.name()));
        }
        return out;
    }

    private static IndoorLocation indoor(Place p) {
        io.robotid.kit.validation.Violations v = new io.robotid.kit.validation.Violations();
        if (p.venue().isBlank()) {
            v.add("indoor.venue", "is required");
        }
        if (p.floor().isBlank()) {
            v.add("indoor.floor", "is required in a check");
        }
        if (p.zoneCode().isBlank()) {
            v.add("indoor.zone_code", "is required in a check");
        }
        v.throwIfAny();
        return new IndoorLocation(p.venue(), p.floor(), p.zoneCode());
    }

    /** The engine names check fields by its own record; the contract by the proto. */
    private static String field(String engineField) {
        return switch (engineField) {
            case "position.lat", "lat", "latitude" -> "position.latitude";
            case "position.lon", "lon", "longitude" -> "position.longitude";
            case "location" -> "place";
            default -> engineField;
        };
    }
}
