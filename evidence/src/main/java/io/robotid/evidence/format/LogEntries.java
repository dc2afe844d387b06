package io.robotid.evidence.format;

import io.robotid.evidence.codec.RecordReader;
import io.robotid.evidence.codec.RecordWriter;
import io.robotid.evidence.merkle.MerkleTree;

/**
 * An entry of a service's transparency log (EVIDENCE.md section 11): what kind of record it commits to
 * and a salted commitment to that record's hash, so that the public log reveals nothing of the record
 * (not even which robot it is about), while whoever is shown the record and its salt can recompute the
 * entry and prove its inclusion. The log's leaf hash is RFC 9162's {@code SHA-256(0x00 || entry)}.
 */
public final class LogEntries {
    public static final String ENTRY_TAG = "robotid-tlog-entry-v1";
    public static final String COMMITMENT_TAG = "robotid-tlog-commitment-v1";
    public static final int SALT_BYTES = 32;

    private LogEntries() {
    }

    /** An entry: the record's kind (e.g. {@code lifecycle-event}) and its salted commitment. */
    public record Entry(String kind, byte[] commitment) {
    }

    /** {@code SHA-256(robotid-tlog-commitment-v1 record: salt, record hash)}. */
    public static byte[] commitment(byte[] salt, byte[] recordHash) {
        if (salt == null || salt.length != SALT_BYTES) {
            throw new IllegalArgumentException("a log entry's salt is " + SALT_BYTES + " bytes");
        }
        return RecordWriter.tagged(COMMITMENT_TAG).bytes(salt).digest(recordHash).sha256();
    }

    public static byte[] encode(Entry e) {
        return RecordWriter.tagged(ENTRY_TAG).text(e.kind()).digest(e.commitment()).toByteArray();
    }

    /** The entry of a record: its kind, salt and hash as the record's own format defines it. */
    public static byte[] entry(String kind, byte[] salt, byte[] recordHash) {
        return encode(new Entry(kind, commitment(salt, recordHash)));
    }

    public static Entry decode(byte[] bytes) throws RecordReader.MalformedRecord {
        RecordReader r = RecordReader.of(bytes, ENTRY_TAG);
        Entry e = new Entry(r.text("kind"), r.digest("commitment"));
        r.end();
        return e;
    }

    public static byte[] leafHash(byte[] entry) {
        return MerkleTree.leafHash(entry);
    }
}
