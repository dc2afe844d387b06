package io.robotid.geofence.service;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import jakarta.enterprise.context.ApplicationScoped;

import io.robotid.geofence.GeofenceConfig;
import io.robotid.geofence.domain.AskingRights;
import io.robotid.geofence.domain.ZoneDefinitions;
import io.robotid.geofence.engine.CheckRequest;
import io.robotid.geofence.engine.Decision;
import io.robotid.geofence.engine.GeofenceEngine;
import io.robotid.geofence.engine.IndoorLocation;
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
import io.robotid.proto.geofence.v1.CheckPermissionRequest;
import io.robotid.proto.geofence.v1.CheckPermissionResponse;
import io.robotid.proto.geofence.v1.Denial;
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

    public Uni<CheckPermissionResponse> check(CallerIdentity caller, CheckPermissionRequest request) {
        long started = System.nanoTime();
        String robotId = Violations.requireRobotId("robot_id", request.getRobotId());
        Projections.Projected projected = projections.projected(robotId);
        RobotProjection robot = projected.projection();
        AskingRights.requireMayAsk(caller, robotId, robot);
        // kept to the microsecond, as every recorded instant (EVIDENCE.md section 1)
        Instant at = (request.hasAt() ? ZoneDefinitions.instant(true, request.getAt()) : clock.instant())
                .truncatedTo(ChronoUnit.MICROS);
        CheckRequest engineRequest = switch (request.getPlaceCase()) {
            case POSITION -> CheckRequest.outdoor(robot, request.getPosition().getLatitude(), request.getPosition().getLongitude(),
                    request.getTaskCategory(), at);
            case INDOOR -> new CheckRequest(robot, null, indoor(request), request.getTaskCategory(), at);
            default -> throw DomainException.invalidArgument("place", "exactly one of position and indoor is required");
        };
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
        Place place = request.getPlaceCase() == CheckPermissionRequest.PlaceCase.POSITION
                ? Place.position(request.getPosition().getLatitude(), request.getPosition().getLongitude())
                : Place.indoor(request.getIndoor().getVenue(), request.getIndoor().getFloor(), request.getIndoor().getZoneCode());
        ReceiptV2 stated = Receipts.receipt(robotId, place, request.getTaskCategory(), at, decision, current.hash(),
                projected.digest());
        String digest = Hex.of(stated.inputsDigest());
        CheckPermissionResponse.Builder answer = GeofenceViews.decision(robotId, decision, at);
        if (!decision.allowed()) {
            denials.record(Denial.newBuilder().setRobotId(robotId).setCheck(request).addAllReasons(answer.getReasonsList())
                    .addAllMatchedZoneIds(decision.matchedZoneIds()).setPolicyVersion(decision.policyVersion())
                    .setDecidedAt(answer.getDecidedAt()).setSubject(caller.subject()).setRole(caller.auditRole())
                    .setOrganisation(caller.auditOrganisation()).setTraceId(TraceIds.current()).setInputsSha256(digest).build());
        }
        // signed on this event loop with the other receipts it makes meanwhile (no thread hop)
        return signer.receipt(Receipts.payload(stated), digest).map(receipt -> {
            meters.checked(decision.verdict(), System.nanoTime() - started);
            return answer.setReceipt(receipt).build();
        });
    }

    private static IndoorLocation indoor(CheckPermissionRequest request) {
        var p = request.getIndoor();
        io.robotid.kit.validation.Violations v = new io.robotid.kit.validation.Violations();
        if (p.getVenue().isBlank()) {
            v.add("indoor.venue", "is required");
        }
        if (p.getFloor().isBlank()) {
            v.add("indoor.floor", "is required in a check");
        }
        if (p.getZoneCode().isBlank()) {
            v.add("indoor.zone_code", "is required in a check");
        }
        v.throwIfAny();
        return new IndoorLocation(p.getVenue(), p.getFloor(), p.getZoneCode());
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
