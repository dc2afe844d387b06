package io.robotid.evidence.format;

import io.robotid.evidence.codec.RecordWriter;

/**
 * A zone-policy change (EVIDENCE.md section 7): every zone and grant as it was written, in the order the
 * policy changed, each linked to the previous change. The policy at version v is what the changes up to v
 * say; the hash of the last of them pins it (receipts carry it).
 */
public final class ZonePolicy {
    public static final String TAG = "robotid-zone-policy-v1";
    public static final String ZONE = "ZONE";
    public static final String GRANT = "GRANT";

    private ZonePolicy() {
    }

    /**
     * @param body the {@code robotid.geofence.v1.Zone} or {@code Grant} bytes exactly as stored
     */
    public record Change(long seq, long version, byte[] previousHash, String kind, String entityId, byte[] body) {
    }

    public static byte[] encode(Change c) {
        return RecordWriter.tagged(TAG).integer(c.seq()).integer(c.version()).digest(c.previousHash()).text(c.kind())
                .text(c.entityId()).bytes(c.body()).toByteArray();
    }
}
