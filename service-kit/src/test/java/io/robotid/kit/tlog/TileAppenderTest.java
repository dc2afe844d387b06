package io.robotid.kit.tlog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.robotid.evidence.merkle.MerkleTree;
import io.robotid.evidence.tlog.Proofs;
import io.robotid.evidence.tlog.Tiles;

/** Tiles grown batch by batch hold exactly the hashes tlog-tiles defines, and give the RFC 9162 root. */
class TileAppenderTest {

    @Test
    void tilesGrownInBatchesMatchTheDefinition() {
        List<byte[]> leaves = new ArrayList<>();
        for (int i = 0; i < 70_000; i++) {
            leaves.add(MerkleTree.leafHash(("leaf " + i).getBytes()));
        }
        TileHashes stored = new TileHashes();
        long size = 0;
        int[] batches = { 1, 2, 253, 1, 255, 256, 257, 3000, 65_535, 440 };
        for (int batch : batches) {
            // like the integrator: start from the right edge only, then store what changed
            TileHashes edge = new TileHashes();
            for (long[] t : TileAppender.rightEdge(size)) {
                edge.put((int) t[0], t[1], stored.get((int) t[0], t[1]));
            }
            TileAppender appender = new TileAppender(edge, size);
            int end = (int) Math.min(leaves.size(), size + batch);
            for (int i = (int) size; i < end; i++) {
                appender.append(leaves.get(i));
            }
            appender.changed().forEach(c -> stored.put(c.level(), c.index(), c.hashes()));
            size = appender.size();
            assertThat(Proofs.rootHash(stored, size)).isEqualTo(MerkleTree.root(leaves.subList(0, (int) size)));
            assertThat(Proofs.rootHash(edge, size)).as("the right edge alone gives the root").isEqualTo(Proofs.rootHash(stored, size));
        }
        assertThat(size).isEqualTo(70_000);
        // tlog-tiles' example: 273 full level-0 tiles and one of 112, one full level-1 tile and one of 17, level 2 of 1
        assertThat(stored.get(0, 273)).hasSize(112 * 32);
        assertThat(stored.get(1, 0)).hasSize(256 * 32);
        assertThat(stored.get(1, 1)).hasSize(17 * 32);
        assertThat(stored.get(2, 0)).hasSize(32);
        // MTH(D[(n * 256 + i) * 256**l : (n * 256 + i + 1) * 256**l]) for level 1, tile 0, i = 5
        byte[] expected = MerkleTree.root(leaves.subList(5 * 256, 6 * 256));
        assertThat(Arrays.copyOfRange(stored.get(1, 0), 5 * 32, 6 * 32)).isEqualTo(expected);
        assertThat(Tiles.widthAt(1, 1, size)).isEqualTo(17);
        for (int i : new int[] { 0, 1, 255, 256, 65_535, 65_536, 69_999 }) {
            Proofs.verifyInclusion(leaves.get(i), i, size, Proofs.inclusionProof(stored, i, size), MerkleTree.root(leaves));
        }
    }
}
