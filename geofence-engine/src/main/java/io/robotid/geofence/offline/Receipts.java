package io.robotid.geofence.offline;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.robotid.evidence.format.Receipts.Place;
import io.robotid.evidence.format.Receipts.ProjectedTier;
import io.robotid.evidence.format.Receipts.Projection;
import io.robotid.evidence.format.Receipts.ReceiptV2;
import io.robotid.evidence.format.Receipts.Verified;
import io.robotid.evidence.verify.Rejected;
import io.robotid.geofence.engine.CertifiedTier;
import io.robotid.geofence.engine.Decision;
import io.robotid.geofence.engine.OperatingConditions;
import io.robotid.geofence.engine.Reason;
import io.robotid.geofence.engine.RobotProjection;

/**
 * The engine's side of decision receipts (EVIDENCE.md section 8, implemented in
 * {@link io.robotid.evidence.format.Receipts}): a decision and the robot projection it was made with, in
 * the form a v2 receipt states them. Verification is the evidence library's, for v1 and v2 receipts.
 */
public final class Receipts {
    private Receipts() {
    }

    /** What the projection digest covers (EVIDENCE.md 8.4), from the engine's projection. */
    public static Projection projection(RobotProjection r) {
        List<ProjectedTier> tiers = new ArrayList<>();
        for (CertifiedTier c : r.certifications().values()) {
            OperatingConditions oc = c.conditions();
            tiers.add(new ProjectedTier(c.tier().name(), c.validFrom(), c.validUntil(), c.noTaskCategoryAllowed(),
                    oc.maxSpeedMps(), oc.maxPayloadKg(), oc.environment() == null ? "" : oc.environment().name(),
                    oc.peopleNearbyAllowed(), List.copyOf(oc.allowedTaskCategories())));
        }
        return new Projection(r.robotId(), r.known(), r.status() == null ? "" : r.status().name(), r.suspended(),
                r.openStopUseRecalls(), r.intelligenceLevel() == null ? "" : r.intelligenceLevel().name(),
                r.operatorOrg() == null ? "" : r.operatorOrg(), tiers);
    }

    public static byte[] projectionDigest(RobotProjection r) {
        return io.robotid.evidence.format.Receipts.projectionDigest(projection(r));
    }

    /**
     * The v2 receipt of a decision.
     *
     * @param place the place exactly as asked
     * @param taskAsAsked the task category exactly as asked
     * @param at the instant decided for (kept to the microsecond)
     * @param policyHash the hash of the policy's last change at the decision's version
     * @param projectionDigest {@link #projectionDigest} of the robot the decision was made with
     */
    public static ReceiptV2 receipt(String robotId, Place place, String taskAsAsked, Instant at, Decision d,
            byte[] policyHash, byte[] projectionDigest) {
        Instant decidedFor = at.truncatedTo(ChronoUnit.MICROS);
        List<String> reasons = new ArrayList<>();
        for (Reason reason : d.reasons()) {
            reasons.add(reason.name());
        }
        byte[] inputs = io.robotid.evidence.format.Receipts.inputsDigest(robotId, place, taskAsAsked, decidedFor,
                d.policyVersion(), policyHash, projectionDigest);
        return new ReceiptV2(robotId, place, taskAsAsked, decidedFor, d.verdict().name(), reasons,
                d.speedLimitMps().isPresent() ? d.speedLimitMps().getAsDouble() : null, List.copyOf(d.matchedZoneIds()),
                d.policyVersion(), policyHash, projectionDigest, inputs);
    }

    /** The receipt's payload bytes. */
    public static byte[] payload(ReceiptV2 receipt) {
        return io.robotid.evidence.format.Receipts.encode(receipt);
    }

    /** Verifies a receipt of either version (see {@link io.robotid.evidence.format.Receipts#verify}). */
    public static Verified verify(byte[] payload, long leafIndex, long batchSize, List<byte[]> auditPath,
            byte[] signedBatch, byte[] signature, String keyId, Map<String, byte[]> trustedKeys) throws Rejected {
        return io.robotid.evidence.format.Receipts.verify(payload, leafIndex, batchSize, auditPath, signedBatch, signature,
                keyId, trustedKeys);
    }
}
