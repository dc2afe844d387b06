package io.robotid.geofence.offline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.robotid.evidence.format.Receipts.Place;
import io.robotid.evidence.format.Receipts.ReceiptV2;
import io.robotid.evidence.merkle.MerkleTree;
import io.robotid.evidence.verify.Rejected;
import io.robotid.geofence.engine.CheckRequest;
import io.robotid.geofence.engine.Decision;
import io.robotid.geofence.engine.GeofenceEngine;
import io.robotid.geofence.engine.RobotProjection;
import io.robotid.geofence.engine.ZoneIndex;

class ReceiptsTest {

    static final Instant AT = Instant.parse("2026-11-25T10:00:00.123456Z");
    static final byte[] POLICY = new byte[32];
    final Signer signer = new Signer("k1");

    record Batch(List<byte[]> payloads, List<byte[]> leaves, byte[] header, byte[] signature) {
    }

    Batch batch(int n) {
        GeofenceEngine engine = new GeofenceEngine();
        ZoneIndex index = ZoneIndex.empty(7);
        List<byte[]> payloads = new ArrayList<>();
        List<byte[]> leaves = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            RobotProjection robot = RobotProjection.unknown("R-" + i);
            CheckRequest req = CheckRequest.outdoor(robot, 52.5, 13.4 + i * 0.001, "Delivery", AT);
            Decision d = engine.decide(index, req);
            byte[] p = Receipts.payload(Receipts.receipt("R-" + i, Place.position(52.5, 13.4 + i * 0.001), "Delivery", AT, d,
                    POLICY, Receipts.projectionDigest(robot)));
            payloads.add(p);
            leaves.add(MerkleTree.leafHash(p));
        }
        byte[] header = io.robotid.evidence.format.Receipts.batchHeader(MerkleTree.root(leaves), n, AT.plusMillis(1));
        return new Batch(payloads, leaves, header, signer.sign(header));
    }

    @Test
    void everyReceiptOfABatchVerifiesAndSaysWhatWasAskedAndAnswered() throws Exception {
        Batch b = batch(5);
        for (int i = 0; i < 5; i++) {
            var r = Receipts.verify(b.payloads.get(i), i, 5, MerkleTree.auditPath(i, b.leaves), b.header, b.signature, "k1",
                    signer.trusted());
            assertThat(r.version()).isEqualTo(2);
            ReceiptV2 v2 = r.v2();
            assertThat(v2.robotId()).isEqualTo("R-" + i);
            assertThat(v2.place()).isEqualTo(Place.position(52.5, 13.4 + i * 0.001));
            assertThat(v2.taskCategory()).as("the task as asked").isEqualTo("Delivery");
            assertThat(v2.decidedFor()).isEqualTo(AT);
            assertThat(v2.verdict()).isEqualTo("DENY");
            assertThat(v2.reasons()).containsExactly("ROBOT_UNKNOWN");
            assertThat(v2.speedLimitMPerS()).isNull();
            assertThat(r.field("speed_limit_m_per_s")).as("an absent limit is said, not left empty").isEqualTo("none");
            assertThat(v2.policyVersion()).isEqualTo(7);
            assertThat(v2.projectionDigest()).isEqualTo(Receipts.projectionDigest(RobotProjection.unknown("R-" + i)));
            assertThat(r.signedAt()).as("the signing instant is the batch header's").isEqualTo(AT.plusMillis(1));
        }
    }

    @Test
    void anIndoorPlaceIsStatedAsAsked() throws Exception {
        RobotProjection robot = RobotProjection.unknown("R-1");
        Decision d = new GeofenceEngine().decide(ZoneIndex.empty(3),
                CheckRequest.indoor(robot, new io.robotid.geofence.engine.IndoorLocation("Venue A", "2", "Z-9"), "x", AT));
        byte[] p = Receipts.payload(Receipts.receipt("R-1", Place.indoor("Venue A", "2", "Z-9"), "x", AT, d, POLICY,
                Receipts.projectionDigest(robot)));
        byte[] header = io.robotid.evidence.format.Receipts.batchHeader(MerkleTree.leafHash(p), 1, AT);
        var r = Receipts.verify(p, 0, 1, List.of(), header, signer.sign(header), "k1", signer.trusted());
        assertThat(r.v2().place()).isEqualTo(Place.indoor("Venue A", "2", "Z-9"));
        assertThat(r.field("venue")).isEqualTo("Venue A");
    }

    @Test
    void aVersion1ReceiptStillVerifies() throws Exception {
        byte[] v1 = ("robotid-receipt-v1\nrobot_id=R-1\nverdict=DENY\nreasons=ROBOT_UNKNOWN\nspeed_limit_m_per_s=\n"
                + "matched_zones=\npolicy_version=7\ninputs_sha256=00\ndecided_at=2026-11-25T10:00:00Z\n")
                .getBytes(StandardCharsets.UTF_8);
        byte[] header = io.robotid.evidence.format.Receipts.batchHeader(MerkleTree.leafHash(v1), 1, AT);
        var r = Receipts.verify(v1, 0, 1, List.of(), header, signer.sign(header), "k1", signer.trusted());
        assertThat(r.version()).isEqualTo(1);
        assertThat(r.field("verdict")).isEqualTo("DENY");
    }

    @Test
    void aReceiptWithAnyByteChangedFailsVerification() {
        Batch b = batch(4);
        List<byte[]> path = MerkleTree.auditPath(2, b.leaves);
        byte[] payload = b.payloads.get(2);
        for (int i = 0; i < payload.length; i++) {
            byte[] changed = payload.clone();
            changed[i] ^= 0x01;
            assertThatThrownBy(() -> Receipts.verify(changed, 2, 4, path, b.header, b.signature, "k1", signer.trusted()))
                    .isInstanceOfSatisfying(Rejected.class, e -> assertThat(e.why()).isEqualTo(Rejected.Why.BAD_SIGNATURE));
        }
        byte[] header = b.header.clone();
        header[header.length - 3] ^= 0x01;
        assertThatThrownBy(() -> Receipts.verify(payload, 2, 4, path, header, b.signature, "k1", signer.trusted()))
                .hasMessageContaining("BAD_SIGNATURE");
        byte[] sig = b.signature.clone();
        sig[10] ^= 0x01;
        assertThatThrownBy(() -> Receipts.verify(payload, 2, 4, path, b.header, sig, "k1", signer.trusted()))
                .hasMessageContaining("BAD_SIGNATURE");
    }

    @Test
    void aSignedReceiptWhoseInputsDigestDisagreesWithItsFieldsIsRefused() {
        RobotProjection robot = RobotProjection.unknown("R-1");
        Decision d = new GeofenceEngine().decide(ZoneIndex.empty(3), CheckRequest.outdoor(robot, 1, 2, "a", AT));
        ReceiptV2 honest = Receipts.receipt("R-1", Place.position(1, 2), "a", AT, d, POLICY, Receipts.projectionDigest(robot));
        ReceiptV2 forged = new ReceiptV2(honest.robotId(), Place.position(1, 3), honest.taskCategory(), honest.decidedFor(),
                honest.verdict(), honest.reasons(), honest.speedLimitMPerS(), honest.matchedZoneIds(), honest.policyVersion(),
                honest.policyHash(), honest.projectionDigest(), honest.inputsDigest());
        byte[] p = Receipts.payload(forged);
        byte[] header = io.robotid.evidence.format.Receipts.batchHeader(MerkleTree.leafHash(p), 1, AT);
        assertThatThrownBy(() -> Receipts.verify(p, 0, 1, List.of(), header, signer.sign(header), "k1", signer.trusted()))
                .isInstanceOfSatisfying(Rejected.class, e -> assertThat(e.why()).isEqualTo(Rejected.Why.MISMATCH));
    }

    @Test
    void anUnknownVersionOrKeyIsRefusedByName() {
        Batch b = batch(1);
        Signer other = new Signer("k1");
        assertThatThrownBy(() -> Receipts.verify(b.payloads.get(0), 0, 1, List.of(), b.header, b.signature, "k1", other.trusted()))
                .hasMessageContaining("BAD_SIGNATURE");
        assertThatThrownBy(() -> Receipts.verify(b.payloads.get(0), 0, 1, List.of(), b.header, b.signature, "k2", signer.trusted()))
                .hasMessageContaining("UNKNOWN_KEY");
        assertThatThrownBy(() -> Receipts.verify(b.payloads.get(0), 0, 1, List.of(), b.header, b.signature, "k1", Map.of()))
                .hasMessageContaining("UNKNOWN_KEY");
        byte[] v9 = "robotid-receipt-v9\nx=y\n".getBytes(StandardCharsets.UTF_8);
        byte[] header = io.robotid.evidence.format.Receipts.batchHeader(MerkleTree.leafHash(v9), 1, AT);
        assertThatThrownBy(() -> Receipts.verify(v9, 0, 1, List.of(), header, signer.sign(header), "k1", signer.trusted()))
                .isInstanceOfSatisfying(Rejected.class, e -> assertThat(e.why()).isEqualTo(Rejected.Why.UNKNOWN_VERSION));
        byte[] garbage = "robotid-receipt-v2\n\0\0\0\7x".getBytes(StandardCharsets.UTF_8);
        byte[] h2 = io.robotid.evidence.format.Receipts.batchHeader(MerkleTree.leafHash(garbage), 1, AT);
        assertThatThrownBy(() -> Receipts.verify(garbage, 0, 1, List.of(), h2, signer.sign(h2), "k1", signer.trusted()))
                .isInstanceOfSatisfying(Rejected.class, e -> assertThat(e.why()).isEqualTo(Rejected.Why.MALFORMED));
    }

    @Test
    void theInputsDigestChangesWithEveryInput() {
        RobotProjection r = RobotProjection.unknown("R-1");
        Decision d = new GeofenceEngine().decide(ZoneIndex.empty(1), CheckRequest.outdoor(r, 1, 2, "a", AT));
        byte[] pd = Receipts.projectionDigest(r);
        byte[] base = Receipts.receipt("R-1", Place.position(1, 2), "a", AT, d, POLICY, pd).inputsDigest();
        assertThat(Receipts.receipt("R-1", Place.position(1, 2), "a", AT, d, POLICY, pd).inputsDigest()).isEqualTo(base);
        assertThat(Receipts.receipt("R-1", Place.position(1, 2.0000001), "a", AT, d, POLICY, pd).inputsDigest()).isNotEqualTo(base);
        assertThat(Receipts.receipt("R-1", Place.position(1, 2), "b", AT, d, POLICY, pd).inputsDigest()).isNotEqualTo(base);
        assertThat(Receipts.receipt("R-1", Place.position(1, 2), "a", AT.plusNanos(1000), d, POLICY, pd).inputsDigest())
                .isNotEqualTo(base);
        byte[] otherPolicy = new byte[32];
        otherPolicy[0] = 1;
        assertThat(Receipts.receipt("R-1", Place.position(1, 2), "a", AT, d, otherPolicy, pd).inputsDigest()).isNotEqualTo(base);
        assertThat(Receipts.receipt("R-2", Place.position(1, 2), "a", AT, d, POLICY, pd).inputsDigest()).isNotEqualTo(base);
        assertThat(Receipts.receipt("R-1", Place.position(1, 2), "a", AT, d, POLICY,
                Receipts.projectionDigest(RobotProjection.unknown("R-2"))).inputsDigest()).isNotEqualTo(base);
    }
}
