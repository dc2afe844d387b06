package io.robotid.evidence.tlog;

import java.nio.charset.StandardCharsets;

/** The message a cosignature/v1 signs (c2sp.org/tlog-cosignature, "Ed25519 signed message"). */
public final class Cosignatures {
    private Cosignatures() {
    }

    /** {@code cosignature/v1\ntime <timestamp>\n} followed by the checkpoint's whole note text. */
    public static byte[] message(long timestamp, String checkpointText) {
        return ("cosignature/v1\ntime " + timestamp + "\n" + checkpointText).getBytes(StandardCharsets.UTF_8);
    }
}
