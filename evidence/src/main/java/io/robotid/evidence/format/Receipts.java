package io.robotid.evidence.format;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.robotid.evidence.codec.Hex;
import io.robotid.evidence.codec.RecordReader;
import io.robotid.evidence.codec.RecordReader.MalformedRecord;
import io.robotid.evidence.codec.RecordWriter;
import io.robotid.evidence.crypto.Ed25519;
import io.robotid.evidence.merkle.MerkleTree;
import io.robotid.evidence.verify.Rejected;
import io.robotid.evidence.verify.Rejected.Why;

/**
 * Decision receipts (EVIDENCE.md section 8). A receipt's payload is a leaf of an RFC 9162 Merkle tree over
 * a batch of receipts; the batch header (text, {@code robotid-receipt-batch-v1}: root, size, signing
 * instant) is what the Ed25519 signature covers, and each receipt carries its audit path.
 *
 * <p>v2 payloads ({@code robotid-receipt-v2}, record encoding) state the question and the answer: robot, the
 * place exactly as asked, the task as asked, the instant decided for, verdict, every reason, the speed limit
 * (or none), the matched zones, the policy version and the hash of the policy change that version ends
 * with, the digest of the robot projection decided with, and the digest of all the inputs.
 *
 * <p>v1 payloads ({@code robotid-receipt-v1}, one {@code name=value} line per field) keep verifying.
 */
public final class Receipts {
    public static final String V1 = "robotid-receipt-v1";
    public static final String V2 = "robotid-receipt-v2";
    public static final String BATCH = "robotid-receipt-batch-v1";
    public static final String INPUTS = "robotid-check-inputs-v2";
    public static final String PROJECTION = "robotid-robot-projection-v1";

    private Receipts() {
    }

    /** Where a check asked about: a position (latitude, longitude) or an indoor place (venue, floor, zone code). */
    public record Place(Double latitude, Double longitude, String venue, String floor, String zoneCode) {
        public static Place position(double latitude, double longitude) {
            return new Place(latitude, longitude, "", "", "");
        }

        public static Place indoor(String venue, String floor, String zoneCode) {
            return new Place(null, null, venue, floor, zoneCode);
        }

        public boolean outdoor() {
            return latitude != null;
        }

        void writeTo(RecordWriter w) {
            w.optionalNumber(latitude).optionalNumber(longitude).text(venue).text(floor).text(zoneCode);
        }

        static Place read(RecordReader r) throws MalformedRecord {
            return new Place(r.optionalNumber("latitude"), r.optionalNumber("longitude"), r.text("venue"),
                    r.text("floor"), r.text("zone_code"));
        }
    }

    /** One effective certification tier of a projection, with its tightest conditions. */
    public record ProjectedTier(String tier, Instant validFrom, Instant validUntil, boolean noTaskCategoryAllowed,
            Double maxSpeedMPerS, Double maxPayloadKg, String environment, Boolean peopleNearbyAllowed,
            List<String> allowedTaskCategories) {
    }

    /** What a decision knew of the robot (geofence-engine's RobotProjection), in the form its digest covers. */
    public record Projection(String robotId, boolean known, String status, boolean suspended, long openStopUseRecalls,
            String intelligenceLevel, String operatorOrgId, List<ProjectedTier> tiers) {
    }

    /**
     * SHA-256 of {@code robotid-robot-projection-v1}: robot_id, known, status, suspended,
     * open_stop_use_recalls, intelligence_level, operator_org_id, and the tiers in the order given (the
     * engine's tier order), each an untagged record of tier, valid_from, valid_until (optional instants,
     * truncated to the microsecond), no_task_category_allowed, max_speed, max_payload (optional numbers),
     * environment, people_nearby_allowed (optional boolean), allowed task categories (sorted).
     */
    public static byte[] projectionDigest(Projection p) {
        List<RecordWriter> tiers = new ArrayList<>();
        for (ProjectedTier t : p.tiers()) {
            tiers.add(RecordWriter.untagged().text(t.tier()).optionalInstant(micros(t.validFrom()))
                    .optionalInstant(micros(t.validUntil())).bool(t.noTaskCategoryAllowed())
                    .optionalNumber(t.maxSpeedMPerS()).optionalNumber(t.maxPayloadKg())
                    .text(t.environment() == null ? "" : t.environment()).optionalBool(t.peopleNearbyAllowed())
                    .textList(t.allowedTaskCategories().stream().sorted().toList()));
        }
        return RecordWriter.tagged(PROJECTION).text(p.robotId()).bool(p.known()).text(nullToEmpty(p.status()))
                .bool(p.suspended()).integer(p.openStopUseRecalls()).text(nullToEmpty(p.intelligenceLevel()))
                .text(nullToEmpty(p.operatorOrgId())).list(tiers).sha256();
    }

    /**
     * SHA-256 of {@code robotid-check-inputs-v2}: robot_id, the place (latitude, longitude, venue, floor,
     * zone_code), task_category as asked, the instant decided for, policy_version, policy_hash and the
     * projection digest. Two checks with the same digest get the same answer.
     */
    public static byte[] inputsDigest(String robotId, Place place, String taskCategory, Instant at, long policyVersion,
            byte[] policyHash, byte[] projectionDigest) {
        RecordWriter w = RecordWriter.tagged(INPUTS).text(robotId);
        place.writeTo(w);
        return w.text(taskCategory).instant(at).integer(policyVersion).digest(policyHash).digest(projectionDigest)
                .sha256();
    }

    /** A v2 receipt's fields, in their order. */
    public record ReceiptV2(String robotId, Place place, String taskCategory, Instant decidedFor, String verdict,
            List<String> reasons, Double speedLimitMPerS, List<String> matchedZoneIds, long policyVersion,
            byte[] policyHash, byte[] projectionDigest, byte[] inputsDigest) {

        /** The inputs digest recomputed from the receipt's own fields. */
        public byte[] recomputedInputs() {
            return Receipts.inputsDigest(robotId, place, taskCategory, decidedFor, policyVersion, policyHash, projectionDigest);
        }
    }

    public static byte[] encode(ReceiptV2 r) {
        RecordWriter w = RecordWriter.tagged(V2).text(r.robotId());
        r.place().writeTo(w);
        return w.text(r.taskCategory()).instant(r.decidedFor()).text(r.verdict()).textList(r.reasons())
                .optionalNumber(r.speedLimitMPerS()).textList(r.matchedZoneIds()).integer(r.policyVersion())
                .digest(r.policyHash()).digest(r.projectionDigest()).digest(r.inputsDigest()).toByteArray();
    }

    public static ReceiptV2 decode(byte[] payload) throws MalformedRecord {
        RecordReader r = RecordReader.of(payload, V2);
        ReceiptV2 out = new ReceiptV2(r.text("robot_id"), Place.read(r), r.text("task_category"),
                r.instant("decided_for"), r.text("verdict"), r.textList("reasons"),
                r.optionalNumber("speed_limit_m_per_s"), r.textList("matched_zone_ids"), r.integer("policy_version"),
                r.digest("policy_hash"), r.digest("projection_sha256"), r.digest("inputs_sha256"));
        r.end();
        return out;
    }

    /** The bytes a batch signature covers: the header lines, each ending in LF. */
    public static byte[] batchHeader(byte[] root, long size, Instant signedAt) {
        return (BATCH + "\nroot=" + Hex.of(root) + "\nsize=" + size + "\nsigned_at=" + signedAt + "\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A verified receipt: its version, the v2 fields (null for v1), the v1 lines (the v2 fields as lines
     * for a v2 receipt, so both read the same way), and the instant its batch was signed.
     */
    public record Verified(int version, ReceiptV2 v2, Map<String, String> fields, Instant signedAt) {
        public String field(String name) {
            return fields.get(name);
        }
    }

    /**
     * Verifies a receipt of either version: the payload is the leaf at {@code leafIndex} of the batch whose
     * signed header names the root and the size, and the header is signed by the named key. A v2 payload's
     * inputs digest must also be the one its own fields give.
     *
     * @param trustedKeys raw Ed25519 public keys by key id
     */
    public static Verified verify(byte[] payload, long leafIndex, long batchSize, List<byte[]> auditPath,
            byte[] signedBatch, byte[] signature, String keyId, Map<String, byte[]> trustedKeys) throws Rejected {
        byte[] key = trustedKeys.get(keyId);
        if (key == null) {
            throw new Rejected(Why.UNKNOWN_KEY, "no trusted key " + keyId);
        }
        if (signedBatch == null || !Ed25519.verify(key, signedBatch, signature)) {
            throw new Rejected(Why.BAD_SIGNATURE, "the batch header is not signed by key " + keyId);
        }
        Map<String, String> header = lines(signedBatch, BATCH);
        byte[] root;
        long size;
        Instant signedAt;
        try {
            root = Hex.parse(header.getOrDefault("root", ""));
            size = Long.parseLong(header.getOrDefault("size", ""));
            signedAt = Instant.parse(header.getOrDefault("signed_at", ""));
        } catch (RuntimeException e) {
            throw new Rejected(Why.MALFORMED, "the batch header lacks root, size or signed_at");
        }
        if (size != batchSize) {
            throw new Rejected(Why.BAD_SIGNATURE, "the receipt claims a batch of " + batchSize
                    + " but the signed batch has " + size);
        }
        if (payload == null || auditPath == null || auditPath.size() > 64) {
            throw new Rejected(Why.MALFORMED, "a receipt needs its payload and an audit path of at most 64 nodes");
        }
        byte[] computed = MerkleTree.rootFromAuditPath(MerkleTree.leafHash(payload), leafIndex, batchSize, auditPath);
        if (!MerkleTree.sameRoot(computed, root)) {
            throw new Rejected(Why.BAD_SIGNATURE,
                    "the receipt is not in the signed batch (changed payload, index or audit path)");
        }
        String tag;
        try {
            tag = RecordReader.tagOf(payload);
        } catch (MalformedRecord e) {
            throw new Rejected(Why.MALFORMED, "the payload has no format line");
        }
        if (tag.equals(V1)) {
            return new Verified(1, null, lines(payload, V1), signedAt);
        }
        if (!tag.equals(V2)) {
            throw new Rejected(Why.UNKNOWN_VERSION, "receipt format '" + tag + "' (this verifier knows " + V1 + " and "
                    + V2 + ")");
        }
        ReceiptV2 r;
        try {
            r = decode(payload);
        } catch (MalformedRecord e) {
            throw new Rejected(Why.MALFORMED, "receipt v2 field " + e.getMessage());
        }
        if (!java.util.Arrays.equals(r.recomputedInputs(), r.inputsDigest())) {
            throw new Rejected(Why.MISMATCH, "inputs_sha256 is not the digest of the receipt's own robot, place, task,"
                    + " instant, policy and projection");
        }
        return new Verified(2, r, asLines(r), signedAt);
    }

    /** A v2 receipt's fields as name=value (v1's names where v1 had them). */
    public static Map<String, String> asLines(ReceiptV2 r) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("robot_id", r.robotId());
        if (r.place().outdoor()) {
            f.put("latitude", Double.toString(r.place().latitude()));
            f.put("longitude", Double.toString(r.place().longitude()));
        } else {
            f.put("venue", r.place().venue());
            f.put("floor", r.place().floor());
            f.put("zone_code", r.place().zoneCode());
        }
        f.put("task_category", r.taskCategory());
        f.put("decided_at", r.decidedFor().toString());
        f.put("verdict", r.verdict());
        f.put("reasons", String.join(",", r.reasons()));
        f.put("speed_limit_m_per_s", r.speedLimitMPerS() == null ? "none" : Double.toString(r.speedLimitMPerS()));
        f.put("matched_zones", String.join(",", r.matchedZoneIds()));
        f.put("policy_version", Long.toString(r.policyVersion()));
        f.put("policy_sha256", Hex.of(r.policyHash()));
        f.put("projection_sha256", Hex.of(r.projectionDigest()));
        f.put("inputs_sha256", Hex.of(r.inputsDigest()));
        return f;
    }

    private static Map<String, String> lines(byte[] bytes, String format) throws Rejected {
        String text = new String(bytes, StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        if (lines.isEmpty() || !lines.get(0).equals(format)) {
            throw new Rejected(Why.MALFORMED, "not a " + format);
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.isEmpty()) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new Rejected(Why.MALFORMED, "line without a field name: " + line);
            }
            fields.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return fields;
    }

    private static Instant micros(Instant at) {
        return at == null ? null : at.truncatedTo(ChronoUnit.MICROS);
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
