package io.robotid.evidence.tlog;

import java.security.MessageDigest;

import io.robotid.evidence.codec.RecordReader;
import io.robotid.evidence.format.LogEntries;

/**
 * Checks that a record is in a log (EVIDENCE.md section 11): its c2sp.org/tlog-proof's checkpoint
 * satisfies the witness policy, the proof's extra data is a log entry that commits to the record (its
 * kind, salt and hash), and the entry's leaf is included under the checkpoint's root.
 */
public final class RecordProofs {
    private RecordProofs() {
    }

    /** A record proven in a log: which log, at which index, under which cosigned checkpoint. */
    public record Proven(String origin, long index, long treeSize, LogEntries.Entry entry, WitnessPolicy.Verified checkpoint) {
    }

    /**
     * @param kind the record's kind, or null to accept any
     * @param salt and {@code recordHash}: the record's salt and hash, or both null to check only that
     *        the entry is in the log
     */
    public static Proven verify(WitnessPolicy policy, String tlogProof, String kind, byte[] salt, byte[] recordHash) {
        TlogProof proof;
        try {
            proof = TlogProof.parse(tlogProof);
        } catch (MalformedEvidence e) {
            throw new WitnessPolicy.Rejected(e.getMessage());
        }
        WitnessPolicy.Verified checkpoint = policy.verify(proof.checkpoint());
        if (proof.extra() == null) {
            throw new WitnessPolicy.Rejected("tlog-proof: no extra line holding the log entry");
        }
        LogEntries.Entry entry;
        try {
            entry = LogEntries.decode(proof.extra());
        } catch (RecordReader.MalformedRecord e) {
            throw new WitnessPolicy.Rejected("tlog-proof: the extra data is not a robotid-tlog-entry-v1: " + e.getMessage());
        }
        if (kind != null && !kind.equals(entry.kind())) {
            throw new WitnessPolicy.Rejected("the log entry is of kind " + entry.kind() + ", not " + kind);
        }
        if (salt != null || recordHash != null) {
            if (salt == null || recordHash == null || salt.length != LogEntries.SALT_BYTES || recordHash.length != 32) {
                throw new WitnessPolicy.Rejected("a record is checked with its 32-byte salt and its 32-byte hash");
            }
            if (!MessageDigest.isEqual(LogEntries.commitment(salt, recordHash), entry.commitment())) {
                throw new WitnessPolicy.Rejected("the log entry does not commit to this record: the record was changed "
                        + "after it was logged, or this is another record's proof");
            }
        }
        try {
            Proofs.verifyInclusion(LogEntries.leafHash(proof.extra()), proof.index(), checkpoint.checkpoint().size(),
                    proof.inclusionProof(), checkpoint.checkpoint().rootHash());
        } catch (Proofs.InvalidProof e) {
            throw new WitnessPolicy.Rejected(e.getMessage());
        }
        return new Proven(checkpoint.checkpoint().origin(), proof.index(), checkpoint.checkpoint().size(), entry, checkpoint);
    }

    /**
     * Checks that a newer cosigned checkpoint extends an older one of the same log, with a consistency
     * proof (from the log's tiles, or given).
     */
    public static void verifyConsistency(WitnessPolicy policy, String olderCheckpoint, String newerCheckpoint,
            Proofs.SubtreeHashes newerTree) {
        WitnessPolicy.Verified older = policy.verify(olderCheckpoint);
        WitnessPolicy.Verified newer = policy.verify(newerCheckpoint);
        Checkpoint o = older.checkpoint();
        Checkpoint n = newer.checkpoint();
        if (!o.origin().equals(n.origin())) {
            throw new WitnessPolicy.Rejected("the checkpoints are of two logs: " + o.origin() + " and " + n.origin());
        }
        if (o.size() > n.size()) {
            throw new WitnessPolicy.Rejected("the older checkpoint (" + o.size() + ") is larger than the newer (" + n.size() + ")");
        }
        try {
            java.util.List<byte[]> proof = o.size() == n.size() || o.size() == 0 ? java.util.List.of()
                    : Proofs.consistencyProof(newerTree, o.size(), n.size());
            Proofs.verifyConsistency(o.size(), o.rootHash(), n.size(), n.rootHash(), proof);
        } catch (Proofs.InvalidProof | TileClient.InvalidLog e) {
            throw new WitnessPolicy.Rejected("the log is not append-only between sizes " + o.size() + " and " + n.size()
                    + ": " + e.getMessage());
        }
    }
}
