package io.robotid.evidence.merkle;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Merkle tree hashing of RFC 9162 (Certificate Transparency 2.0) section 2.1, with SHA-256: leaves are
 * hashed as {@code SHA-256(0x00 || data)}, nodes as {@code SHA-256(0x01 || left || right)}, a tree of n
 * leaves splits at the largest power of two below n (receipt batches, and the transparency logs).
 */
public final class MerkleTree {

    private MerkleTree() {
    }

    public static byte[] leafHash(byte[] data) {
        MessageDigest sha = sha256();
        sha.update((byte) 0x00);
        return sha.digest(data);
    }

    public static byte[] nodeHash(byte[] left, byte[] right) {
        MessageDigest sha = sha256();
        sha.update((byte) 0x01);
        sha.update(left);
        return sha.digest(right);
    }

    /** MTH(D[n]) over leaf hashes (n >= 1). */
    public static byte[] root(List<byte[]> leafHashes) {
        if (leafHashes.isEmpty()) {
            throw new IllegalArgumentException("a batch has at least one leaf");
        }
        return root(leafHashes, 0, leafHashes.size());
    }

    private static byte[] root(List<byte[]> leaves, int from, int to) {
        int n = to - from;
        if (n == 1) {
            return leaves.get(from);
        }
        int k = largestPowerOfTwoBelow(n);
        return nodeHash(root(leaves, from, from + k), root(leaves, from + k, to));
    }

    /** PATH(m, D[n]): the audit path of leaf m, from the leaf's sibling up to the root's children. */
    public static List<byte[]> auditPath(int m, List<byte[]> leafHashes) {
        if (m < 0 || m >= leafHashes.size()) {
            throw new IndexOutOfBoundsException("leaf " + m + " of " + leafHashes.size());
        }
        List<byte[]> path = new ArrayList<>();
        path(m, leafHashes, 0, leafHashes.size(), path);
        return path;
    }

    private static void path(int m, List<byte[]> leaves, int from, int to, List<byte[]> out) {
        int n = to - from;
        if (n <= 1) {
            return;
        }
        int k = largestPowerOfTwoBelow(n);
        if (m < k) {
            path(m, leaves, from, from + k, out);
            out.add(root(leaves, from + k, to));
        } else {
            path(m - k, leaves, from + k, to, out);
            out.add(root(leaves, from, from + k));
        }
    }

    /** A batch's root and every leaf's audit path. */
    public record Built(byte[] root, List<List<byte[]>> auditPaths) {
    }

    /** The root and all audit paths at once, in O(n log n) hashes (what a signer of a batch needs). */
    public static Built build(List<byte[]> leafHashes) {
        if (leafHashes.isEmpty()) {
            throw new IllegalArgumentException("a batch has at least one leaf");
        }
        List<List<byte[]>> paths = new ArrayList<>(leafHashes.size());
        for (int i = 0; i < leafHashes.size(); i++) {
            paths.add(new ArrayList<>());
        }
        byte[] root = build(leafHashes, 0, leafHashes.size(), paths);
        return new Built(root, paths);
    }

    private static byte[] build(List<byte[]> leaves, int from, int to, List<List<byte[]>> paths) {
        int n = to - from;
        if (n == 1) {
            return leaves.get(from);
        }
        int k = largestPowerOfTwoBelow(n);
        byte[] left = build(leaves, from, from + k, paths);
        byte[] right = build(leaves, from + k, to, paths);
        // children first, so that each path runs from the leaf up
        for (int i = from; i < from + k; i++) {
            paths.get(i).add(right);
        }
        for (int i = from + k; i < to; i++) {
            paths.get(i).add(left);
        }
        return nodeHash(left, right);
    }

    /**
     * The root that an audit path leads to from a leaf (RFC 9162 section 2.1.3.2), or {@code null} when the
     * index, size and path do not fit together.
     */
    public static byte[] rootFromAuditPath(byte[] leafHash, long leafIndex, long treeSize, List<byte[]> path) {
        if (leafIndex < 0 || leafIndex >= treeSize) {
            return null;
        }
        long fn = leafIndex;
        long sn = treeSize - 1;
        byte[] r = leafHash;
        for (byte[] p : path) {
            if (p == null || p.length != 32 || sn == 0) {
                return null;
            }
            if ((fn & 1) == 1 || fn == sn) {
                r = nodeHash(p, r);
                if ((fn & 1) == 0) {
                    while ((fn & 1) == 0 && fn != 0) {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            } else {
                r = nodeHash(r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 ? r : null;
    }

    public static boolean sameRoot(byte[] a, byte[] b) {
        return a != null && b != null && MessageDigest.isEqual(a, b);
    }

    private static int largestPowerOfTwoBelow(int n) {
        return Integer.highestOneBit(n - 1);
    }

    public static MessageDigest sha256() {
        return io.robotid.evidence.codec.Sha256.digest();
    }

    public static String hex(byte[] bytes) {
        return java.util.HexFormat.of().formatHex(bytes);
    }

    public static byte[] copy(byte[] b) {
        return Arrays.copyOf(b, b.length);
    }
}
