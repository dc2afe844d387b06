package io.robotid.evidence.tlog;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

import io.robotid.evidence.codec.Sha256;
import io.robotid.evidence.merkle.MerkleTree;

/**
 * RFC 9162 (RFC 6962) section 2.1 proofs over a log of any size: inclusion (audit) paths and
 * consistency proofs, made from the hashes of a log's perfect subtrees ({@link SubtreeHashes}, which a
 * log reads from its tiles) and checked from hashes alone.
 */
public final class Proofs {
    /** A proof of a tree of up to 2^63 leaves has at most 63 hashes (64 for consistency's first hash). */
    public static final int MAX_PROOF_HASHES = 64;

    private Proofs() {
    }

    /** The hash of the perfect subtree of 2^level leaves that starts at leaf {@code index << level}. */
    @FunctionalInterface
    public interface SubtreeHashes {
        byte[] hash(int level, long index);
    }

    /** MTH(D[lo:hi]) of a log, for 0 <= lo < hi. */
    public static byte[] treeHash(SubtreeHashes hashes, long lo, long hi) {
        long n = hi - lo;
        if (Long.bitCount(n) == 1 && lo % n == 0) {
            return hashes.hash(Long.numberOfTrailingZeros(n), lo / n);
        }
        long k = largestPowerOfTwoBelow(n);
        return MerkleTree.nodeHash(treeHash(hashes, lo, lo + k), treeHash(hashes, lo + k, hi));
    }

    /** The root of a tree of {@code size} leaves (the hash of the empty string for an empty tree). */
    public static byte[] rootHash(SubtreeHashes hashes, long size) {
        return size == 0 ? emptyRoot() : treeHash(hashes, 0, size);
    }

    public static byte[] emptyRoot() {
        return Sha256.digest().digest(new byte[0]);
    }

    /** PATH(index, D[0:size]): from the leaf's sibling up to the root's child. */
    public static List<byte[]> inclusionProof(SubtreeHashes hashes, long index, long size) {
        if (index < 0 || index >= size) {
            throw new MalformedEvidence("inclusion proof: index " + index + " is not below the tree size " + size);
        }
        List<byte[]> out = new ArrayList<>();
        path(hashes, index, 0, size, out);
        return out;
    }

    private static void path(SubtreeHashes hashes, long m, long lo, long hi, List<byte[]> out) {
        long n = hi - lo;
        if (n == 1) {
            return;
        }
        long k = largestPowerOfTwoBelow(n);
        if (m < lo + k) {
            path(hashes, m, lo, lo + k, out);
            out.add(treeHash(hashes, lo + k, hi));
        } else {
            path(hashes, m, lo + k, hi, out);
            out.add(treeHash(hashes, lo, lo + k));
        }
    }

    /** PROOF(oldSize, D[0:newSize]), empty when oldSize is 0 or equal to newSize. */
    public static List<byte[]> consistencyProof(SubtreeHashes hashes, long oldSize, long newSize) {
        if (oldSize < 0 || oldSize > newSize) {
            throw new MalformedEvidence("consistency proof: old size " + oldSize + " is not between 0 and " + newSize);
        }
        List<byte[]> out = new ArrayList<>();
        if (oldSize > 0 && oldSize < newSize) {
            subproof(hashes, oldSize, 0, newSize, true, out);
        }
        return out;
    }

    private static void subproof(SubtreeHashes hashes, long m, long lo, long hi, boolean complete, List<byte[]> out) {
        long n = hi - lo;
        if (m == n) {
            if (!complete) {
                out.add(treeHash(hashes, lo, hi));
            }
            return;
        }
        long k = largestPowerOfTwoBelow(n);
        if (m <= k) {
            subproof(hashes, m, lo, lo + k, complete, out);
            out.add(treeHash(hashes, lo + k, hi));
        } else {
            subproof(hashes, m - k, lo + k, hi, false, out);
            out.add(treeHash(hashes, lo, lo + k));
        }
    }

    /** Checks an inclusion proof (RFC 9162 section 2.1.3.2); throws naming the failure. */
    public static void verifyInclusion(byte[] leafHash, long index, long size, List<byte[]> proof, byte[] root) {
        if (proof.size() > MAX_PROOF_HASHES) {
            throw new InvalidProof("inclusion proof: more than " + MAX_PROOF_HASHES + " hashes");
        }
        byte[] computed = MerkleTree.rootFromAuditPath(leafHash, index, size, proof);
        if (computed == null) {
            throw new InvalidProof("inclusion proof: does not fit leaf " + index + " of a tree of " + size);
        }
        if (!MessageDigest.isEqual(computed, root)) {
            throw new InvalidProof("inclusion proof: leads to another root than the checkpoint's");
        }
    }

    /** Checks a consistency proof (RFC 9162 section 2.1.4.2); throws naming the failure. */
    public static void verifyConsistency(long oldSize, byte[] oldRoot, long newSize, byte[] newRoot, List<byte[]> proof) {
        if (oldSize < 0 || oldSize > newSize) {
            throw new InvalidProof("consistency proof: old size " + oldSize + " is above the new size " + newSize);
        }
        if (proof.size() > MAX_PROOF_HASHES) {
            throw new InvalidProof("consistency proof: more than " + MAX_PROOF_HASHES + " hashes");
        }
        if (oldSize == 0) {
            if (!proof.isEmpty()) {
                throw new InvalidProof("consistency proof: from the empty tree the proof is empty");
            }
            return;
        }
        if (oldSize == newSize) {
            if (!proof.isEmpty()) {
                throw new InvalidProof("consistency proof: between equal sizes the proof is empty");
            }
            if (!MessageDigest.isEqual(oldRoot, newRoot)) {
                throw new InvalidProof("consistency proof: two different roots for the same size " + oldSize);
            }
            return;
        }
        List<byte[]> path = new ArrayList<>(proof);
        if (Long.bitCount(oldSize) == 1) {
            path.add(0, oldRoot);
        }
        if (path.isEmpty()) {
            throw new InvalidProof("consistency proof: empty");
        }
        long fn = oldSize - 1;
        long sn = newSize - 1;
        while ((fn & 1) == 1) {
            fn >>= 1;
            sn >>= 1;
        }
        if (path.get(0) == null || path.get(0).length != 32) {
            throw new InvalidProof("consistency proof: a hash is 32 bytes");
        }
        byte[] fr = path.get(0);
        byte[] sr = path.get(0);
        for (byte[] c : path.subList(1, path.size())) {
            if (c == null || c.length != 32) {
                throw new InvalidProof("consistency proof: a hash is 32 bytes");
            }
            if (sn == 0) {
                throw new InvalidProof("consistency proof: longer than the trees allow");
            }
            if ((fn & 1) == 1 || fn == sn) {
                fr = MerkleTree.nodeHash(c, fr);
                sr = MerkleTree.nodeHash(c, sr);
                if ((fn & 1) == 0) {
                    while ((fn & 1) == 0 && fn != 0) {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            } else {
                sr = MerkleTree.nodeHash(sr, c);
            }
            fn >>= 1;
            sn >>= 1;
        }
        if (sn != 0) {
            throw new InvalidProof("consistency proof: shorter than the trees need");
        }
        if (!MessageDigest.isEqual(fr, oldRoot)) {
            throw new InvalidProof("consistency proof: does not lead to the old root: the log was rewritten");
        }
        if (!MessageDigest.isEqual(sr, newRoot)) {
            throw new InvalidProof("consistency proof: does not lead to the new root");
        }
    }

    static long largestPowerOfTwoBelow(long n) {
        return Long.highestOneBit(n - 1);
    }

    /** A proof that does not verify. */
    public static class InvalidProof extends RuntimeException {
        public InvalidProof(String message) {
            super(message);
        }
    }
}
