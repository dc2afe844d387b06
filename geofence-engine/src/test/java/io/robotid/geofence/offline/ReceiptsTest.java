package io.robotid.geofence.offline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.robotid.geofence.engine.CheckRequest;
import io.robotid.geofence.engine.Decision;
import io.robotid.geofence.engine.GeofenceEngine;
import io.robotid.geofence.engine.RobotProjection;
import io.robotid.geofence.engine.ZoneIndex;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReceiptsTest {

    static final Instant AT = Instant.parse("2026-11-25T10:00:00Z");
    final Signer signer = new Signer("k1");

    record Batch(List<byte[]> payloads, List<byte[]> leaves, byte[] header, byte[] signature) {
    }

    Batch batch(int n) {
        GeofenceEngine engine = new GeofenceEngine();
        ZoneIndex index = ZoneIndex.empty(7);
        List<byte[]> payloads = new ArrayList<>();
        List<byte[]> leaves = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            CheckRequest req = CheckRequest.outdoor(RobotProjection.unknown("R-" + i), 52.5, 13.4 + i * 0.001, "delivery", AT);
            Decision d = engine.decide(index, req);
            byte[] p = Receipts.payload("R-" + i, d, Receipts.inputsDigest(req, 7), AT);
            payloads.add(p);
            leaves.add(MerkleTree.leafHash(p));
        }
        byte[] header = Receipts.batchHeader(MerkleTree.root(leaves), n, AT.plusMillis(1));
        return new Batch(payloads, leaves, header, signer.sign(header));
    }

    @Test
    void everyReceiptOfABatchVerifiesAndNamesItsDecision() throws Exception {
        Batch b = batch(5);
        for (int i = 0; i < 5; i++) {
            Receipts.VerifiedReceipt r = Receipts.verify(b.payloads.get(i), i, 5, MerkleTree.auditPath(i, b.leaves), b.header,
                    b.signature, "k1", signer.trusted());
            assertThat(r.field("robot_id")).isEqualTo("R-" + i);
            assertThat(r.field("verdict")).isEqualTo("DENY");
            assertThat(r.field("reasons")).isEqualTo("ROBOT_UNKNOWN");
            assertThat(r.field("policy_version")).isEqualTo("7");
            assertThat(r.field("decided_at")).isEqualTo(AT.toString());
            assertThat(r.signedAt()).isEqualTo(AT.plusMillis(1));
        }
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
                    .isInstanceOf(SignatureRejected.class)
                    .satisfies(e -> assertThat(((SignatureRejected) e).why()).isEqualTo(SignatureRejected.Why.BAD_SIGNATURE));
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
    void aReceiptSignedByAnotherKeyOrAnUnknownKeyIsRefused() {
        Batch b = batch(1);
        Signer other = new Signer("k1");
        assertThatThrownBy(() -> Receipts.verify(b.payloads.get(0), 0, 1, List.of(), b.header, b.signature, "k1", other.trusted()))
                .hasMessageContaining("BAD_SIGNATURE");
        assertThatThrownBy(() -> Receipts.verify(b.payloads.get(0), 0, 1, List.of(), b.header, b.signature, "k2", signer.trusted()))
                .hasMessageContaining("UNKNOWN_KEY");
        assertThatThrownBy(() -> Receipts.verify(b.payloads.get(0), 0, 1, List.of(), b.header, b.signature, "k1", Map.of()))
                .hasMessageContaining("UNKNOWN_KEY");
    }

    @Test
    void theInputsDigestChangesWithEveryInput() {
        RobotProjection r = RobotProjection.unknown("R-1");
        String base = Receipts.inputsDigest(CheckRequest.outdoor(r, 1, 2, "a", AT), 1);
        assertThat(Receipts.inputsDigest(CheckRequest.outdoor(r, 1, 2, "a", AT), 1)).isEqualTo(base);
        assertThat(Receipts.inputsDigest(CheckRequest.outdoor(r, 1, 2.0000001, "a", AT), 1)).isNotEqualTo(base);
        assertThat(Receipts.inputsDigest(CheckRequest.outdoor(r, 1, 2, "b", AT), 1)).isNotEqualTo(base);
        assertThat(Receipts.inputsDigest(CheckRequest.outdoor(r, 1, 2, "a", AT.plusNanos(1000)), 1)).isNotEqualTo(base);
        assertThat(Receipts.inputsDigest(CheckRequest.outdoor(r, 1, 2, "a", AT), 2)).isNotEqualTo(base);
        assertThat(Receipts.inputsDigest(CheckRequest.outdoor(RobotProjection.unknown("R-2"), 1, 2, "a", AT), 1)).isNotEqualTo(base);
    }
}
