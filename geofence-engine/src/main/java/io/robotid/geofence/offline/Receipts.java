package io.robotid.geofence.offline;

import io.robotid.geofence.engine.CertifiedTier;
import io.robotid.geofence.engine.CheckRequest;
import io.robotid.geofence.engine.Decision;
import io.robotid.geofence.engine.Reason;
import io.robotid.geofence.engine.RobotProjection;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Receipts of decisions: their canonical text, the digest of a decision's inputs, the header a batch
 * signature covers, and verification. One line per field, {@code name=value}, in a fixed order, UTF-8, no
 * trailing spaces; lists comma-separated; absent values empty.
 *
 * <pre>
 * robotid-receipt-v1
 * robot_id=...
 * verdict=ALLOW | ALLOW_WITH_CONDITIONS | DENY
 * reasons=SUSPENDED,NO_GRANT
 * speed_limit_m_per_s=1.5
 * matched_zones=zone-a,zone-b
 * policy_version=42
 * inputs_sha256=hex
 * decided_at=2026-11-25T10:15:30Z
 * </pre>
 *
 * A batch header is {@code robotid-receipt-batch-v1}, {@code root=<hex>}, {@code size=<n>} and
 * {@code signed_at=<instant>}, one per line; the Ed25519 signature covers it.
 */
public final class Receipts {

    public static final String RECEIPT_FORMAT = "robotid-receipt-v1";
    public static final String BATCH_FORMAT = "robotid-receipt-batch-v1";

    private Receipts() {
    }

    /** The canonical receipt text of a decision. */
    public static byte[] payload(String robotId, Decision d, String inputsSha256, Instant decidedAt) {
        StringJoiner reasons = new StringJoiner(",");
        for (Reason r : d.reasons()) {
            reasons.add(r.name());
        }
        String text = RECEIPT_FORMAT + "\n"
                + "robot_id=" + robotId + "\n"
                + "verdict=" + d.verdict().name() + "\n"
                + "reasons=" + reasons + "\n"
                + "speed_limit_m_per_s=" + (d.speedLimitMps().isPresent() ? Double.toString(d.speedLimitMps().getAsDouble()) : "") + "\n"
                + "matched_zones=" + String.join(",", d.matchedZoneIds()) + "\n"
                + "policy_version=" + d.policyVersion() + "\n"
                + "inputs_sha256=" + inputsSha256 + "\n"
                + "decided_at=" + decidedAt + "\n";
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * SHA-256 (hex) of everything a decision depended on: the request (robot, place, task, instant), the policy
     * version and the robot's projection. Two checks with the same digest got the same answer.
     */
    public static String inputsDigest(CheckRequest request, long policyVersion) {
        StringBuilder b = new StringBuilder(256);
        RobotProjection r = request.robot();
        b.append("robot=").append(r.robotId()).append('\n');
        if (request.position() != null) {
            b.append("position=").append(request.position().lat()).append(',').append(request.position().lon()).append('\n');
        } else {
            b.append("indoor=").append(request.indoor().venue()).append('|').append(request.indoor().floor()).append('|')
                    .append(request.indoor().zoneCode()).append('\n');
        }
        b.append("task=").append(request.taskCategory()).append('\n');
        b.append("at=").append(request.at()).append('\n');
        b.append("policy_version=").append(policyVersion).append('\n');
        b.append("robot.known=").append(r.known()).append('\n');
        b.append("robot.status=").append(r.status()).append('\n');
        b.append("robot.suspended=").append(r.suspended()).append('\n');
        b.append("robot.open_stop_use_recalls=").append(r.openStopUseRecalls()).append('\n');
        b.append("robot.intelligence_level=").append(r.intelligenceLevel()).append('\n');
        b.append("robot.operator=").append(r.operatorOrg()).append('\n');
        for (CertifiedTier c : r.certifications().values()) {
            b.append("robot.tier=").append(c.tier()).append('|').append(c.validFrom()).append('|').append(c.validUntil())
                    .append('|').append(c.noTaskCategoryAllowed()).append('|').append(c.conditions()).append('\n');
        }
        return HexFormat.of().formatHex(MerkleTree.sha256().digest(b.toString().getBytes(StandardCharsets.UTF_8)));
    }

    /** The bytes a batch signature covers. */
    public static byte[] batchHeader(byte[] root, long size, Instant signedAt) {
        return (BATCH_FORMAT + "\nroot=" + MerkleTree.hex(root) + "\nsize=" + size + "\nsigned_at=" + signedAt + "\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** The fields of a verified receipt, and the instant its batch was signed. */
    public record VerifiedReceipt(Map<String, String> fields, Instant signedAt) {
        public String field(String name) {
            return fields.get(name);
        }
    }

    /**
     * Verifies a receipt: the payload is a leaf of the batch whose root the signed header names, and the
     * header is signed by the named key (raw Ed25519 public keys by key id).
     */
    public static VerifiedReceipt verify(byte[] payload, long leafIndex, long batchSize, List<byte[]> auditPath,
            byte[] signedBatch, byte[] signature, String keyId, Map<String, byte[]> trustedKeys) throws SignatureRejected {
        byte[] key = trustedKeys.get(keyId);
        if (key == null) {
            throw new SignatureRejected(SignatureRejected.Why.UNKNOWN_KEY, "no trusted key " + keyId);
        }
        if (!Ed25519Verifier.verify(key, signedBatch, signature)) {
            throw new SignatureRejected(SignatureRejected.Why.BAD_SIGNATURE, "the batch header is not signed by key " + keyId);
        }
        Map<String, String> header = lines(signedBatch, BATCH_FORMAT);
        byte[] root;
        long size;
        Instant signedAt;
        try {
            root = HexFormat.of().parseHex(header.getOrDefault("root", ""));
            size = Long.parseLong(header.getOrDefault("size", ""));
            signedAt = Instant.parse(header.getOrDefault("signed_at", ""));
        } catch (RuntimeException e) {
            throw new SignatureRejected(SignatureRejected.Why.MALFORMED, "the batch header lacks root, size or signed_at");
        }
        if (size != batchSize) {
            throw new SignatureRejected(SignatureRejected.Why.BAD_SIGNATURE, "the receipt claims a batch of " + batchSize
                    + " but the signed batch has " + size);
        }
        byte[] computed = MerkleTree.rootFromAuditPath(MerkleTree.leafHash(payload), leafIndex, batchSize, auditPath);
        if (!MerkleTree.sameRoot(computed, root)) {
            throw new SignatureRejected(SignatureRejected.Why.BAD_SIGNATURE,
                    "the receipt is not in the signed batch (changed payload, index or audit path)");
        }
        return new VerifiedReceipt(lines(payload, RECEIPT_FORMAT), signedAt);
    }

    private static Map<String, String> lines(byte[] bytes, String format) throws SignatureRejected {
        String text = new String(bytes, StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        if (lines.isEmpty() || !lines.get(0).equals(format)) {
            throw new SignatureRejected(SignatureRejected.Why.MALFORMED, "not a " + format);
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.isEmpty()) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new SignatureRejected(SignatureRejected.Why.MALFORMED, "line without a field name: " + line);
            }
            fields.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return fields;
    }
}
