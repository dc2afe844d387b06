package io.robotid.evidence.merkle;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class MerkleTreeTest {

    private static List<byte[]> leaves(int n) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(MerkleTree.leafHash(("leaf " + i).getBytes(StandardCharsets.UTF_8)));
        }
        return out;
    }

    @Test
    void everyLeafOfEveryTreeSizeUpTo70LeadsToTheRoot() {
        for (int n = 1; n <= 70; n++) {
            List<byte[]> leaves = leaves(n);
            byte[] root = MerkleTree.root(leaves);
            MerkleTree.Built built = MerkleTree.build(leaves);
            assertThat(built.root()).isEqualTo(root);
            for (int m = 0; m < n; m++) {
                List<byte[]> path = MerkleTree.auditPath(m, leaves);
                assertThat(built.auditPaths().get(m)).as("path %d of %d", m, n).containsExactlyElementsOf(path);
                assertThat(MerkleTree.rootFromAuditPath(leaves.get(m), m, n, path)).as("leaf %d of %d", m, n).isEqualTo(root);
                if (n > 1) {
                    // another index must not lead to the same root (the size is bound by the signed batch header)
                    int other = (m + 1) % n;
                    assertThat(MerkleTree.sameRoot(MerkleTree.rootFromAuditPath(leaves.get(m), other, n, path), root))
                            .as("leaf %d claimed at %d of %d", m, other, n).isFalse();
                }
            }
        }
    }

    @Test
    void aChangedLeafOrPathNodeDoesNotLeadToTheRoot() {
        List<byte[]> leaves = leaves(13);
        byte[] root = MerkleTree.root(leaves);
        List<byte[]> path = MerkleTree.auditPath(6, leaves);
        byte[] changed = MerkleTree.leafHash("leaf 6!".getBytes(StandardCharsets.UTF_8));
        assertThat(MerkleTree.sameRoot(MerkleTree.rootFromAuditPath(changed, 6, 13, path), root)).isFalse();
        List<byte[]> badPath = new ArrayList<>(path);
        byte[] node = badPath.get(1).clone();
        node[0] ^= 1;
        badPath.set(1, node);
        assertThat(MerkleTree.sameRoot(MerkleTree.rootFromAuditPath(leaves.get(6), 6, 13, badPath), root)).isFalse();
        assertThat(MerkleTree.rootFromAuditPath(leaves.get(6), 6, 13, path.subList(0, path.size() - 1))).isNull();
    }

    @Test
    void hashesAreThoseOfRfc9162() {
        // RFC 9162 2.1.1: the hash of a single empty leaf is SHA-256(0x00)
        assertThat(HexFormat.of().formatHex(MerkleTree.leafHash(new byte[0])))
                .isEqualTo("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
        List<byte[]> two = leaves(2);
        assertThat(MerkleTree.root(two)).isEqualTo(MerkleTree.nodeHash(two.get(0), two.get(1)));
        List<byte[]> three = leaves(3);
        assertThat(MerkleTree.root(three))
                .isEqualTo(MerkleTree.nodeHash(MerkleTree.nodeHash(three.get(0), three.get(1)), three.get(2)));
    }
}
