package io.robotid.evidence.format;

import io.robotid.evidence.codec.RecordWriter;

/**
 * A denied check as geofence-service's denial audit keeps it (EVIDENCE.md section 8.7): the
 * {@code robotid.geofence.v1.Denial} bytes as stored, sealed when written.
 */
public final class Denials {
    public static final String TAG = "robotid-denial-v1";

    private Denials() {
    }

    public static byte[] encode(byte[] body) {
        return RecordWriter.tagged(TAG).bytes(body).toByteArray();
    }
}
