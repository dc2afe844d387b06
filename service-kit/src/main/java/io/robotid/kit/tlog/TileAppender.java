package io.robotid.kit.tlog;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.robotid.evidence.merkle.MerkleTree;
import io.robotid.evidence.tlog.Tiles;

/**
 * Grows a log's tiles by appending leaf hashes: each leaf hash goes to the rightmost level-0 tile; a
 * tile that becomes full (256 hashes) adds its subtree hash to the rightmost tile of the level above.
 * Starts from the rightmost (partial) tile of each level, which is all the tree needs to grow.
 */
final class TileAppender {
    private final TileHashes tiles;
    private final Map<Long, ByteArrayOutputStream> growing = new LinkedHashMap<>();
    private long size;

    TileAppender(TileHashes rightEdge, long size) {
        this.tiles = rightEdge;
        this.size = size;
    }

    /** The tiles of the right edge of a tree of {@code size} leaves: level, index and width of each. */
    static List<long[]> rightEdge(long size) {
        List<long[]> out = new ArrayList<>();
        long levelSize = size;
        for (int level = 0; levelSize > 0; level++) {
            int width = (int) (levelSize % Tiles.WIDTH);
            if (width > 0) {
                out.add(new long[] { level, levelSize / Tiles.WIDTH, width });
            }
            levelSize /= Tiles.WIDTH;
        }
        return out;
    }

    void append(byte[] leafHash) {
        int level = 0;
        long index = size;
        byte[] hash = leafHash;
        while (true) {
            long tile = index / Tiles.WIDTH;
            int position = (int) (index % Tiles.WIDTH);
            long key = TileHashes.key(level, tile);
            ByteArrayOutputStream buffer = growing.get(key);
            if (buffer == null) {
                buffer = new ByteArrayOutputStream(Tiles.WIDTH * 32);
                byte[] stored = position == 0 ? null : tiles.get(level, tile);
                if (position > 0 && (stored == null || stored.length < position * 32)) {
                    throw new IllegalStateException("the rightmost tile " + level + "/" + tile + " is missing hashes");
                }
                if (stored != null) {
                    buffer.write(stored, 0, position * 32);
                }
                growing.put(key, buffer);
            }
            buffer.write(hash, 0, 32);
            if (position < Tiles.WIDTH - 1) {
                break;
            }
            byte[] full = buffer.toByteArray();
            List<byte[]> hashes = new ArrayList<>(Tiles.WIDTH);
            for (int i = 0; i < Tiles.WIDTH; i++) {
                hashes.add(Arrays.copyOfRange(full, i * 32, i * 32 + 32));
            }
            hash = MerkleTree.root(hashes);
            level++;
            index = tile;
        }
        size++;
    }

    long size() {
        return size;
    }

    /** The tiles changed by the appends, as (level, index, hashes), also put back into the tile set. */
    List<Changed> changed() {
        List<Changed> out = new ArrayList<>();
        growing.forEach((key, buffer) -> {
            int level = (int) (key & 63);
            long index = key >>> 6;
            byte[] hashes = buffer.toByteArray();
            tiles.put(level, index, hashes);
            out.add(new Changed(level, index, hashes));
        });
        return out;
    }

    record Changed(int level, long index, byte[] hashes) {
    }
}
