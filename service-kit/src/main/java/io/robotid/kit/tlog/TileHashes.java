package io.robotid.kit.tlog;

import java.util.HashMap;
import java.util.Map;

import io.robotid.evidence.tlog.Proofs;
import io.robotid.evidence.tlog.Tiles;

/**
 * The log's perfect-subtree hashes read from tiles held in memory: a node of tree level {@code 8L + r}
 * is rebuilt from {@code 2^r} consecutive hashes of a level-L tile. A tile not in memory is reported
 * as {@link Missing}, so the caller loads it and computes again.
 */
final class TileHashes implements Proofs.SubtreeHashes {
    private final Map<Long, byte[]> tiles = new HashMap<>();

    static long key(int level, long index) {
        return (index << 6) | level;
    }

    void put(int level, long index, byte[] hashes) {
        tiles.put(key(level, index), hashes);
    }

    byte[] get(int level, long index) {
        return tiles.get(key(level, index));
    }

    Map<Long, byte[]> all() {
        return tiles;
    }

    @Override
    public byte[] hash(int level, long index) {
        int tileLevel = level / 8;
        int r = level % 8;
        long first = index << r;
        long tile = first / Tiles.WIDTH;
        int offset = (int) (first % Tiles.WIDTH);
        byte[] hashes = tiles.get(key(tileLevel, tile));
        if (hashes == null) {
            throw new Missing(tileLevel, tile);
        }
        int count = 1 << r;
        if (hashes.length < (offset + count) * 32) {
            throw new IllegalStateException("tile " + tileLevel + "/" + tile + " holds " + hashes.length / 32
                    + " hashes, a subtree needs " + (offset + count));
        }
        return Tiles.subtreeHash(hashes, offset, count);
    }

    /** A tile the computation needs and memory does not hold. */
    static final class Missing extends RuntimeException {
        final int level;
        final long index;

        Missing(int level, long index) {
            super(null, null, false, false);
            this.level = level;
            this.index = index;
        }
    }
}
