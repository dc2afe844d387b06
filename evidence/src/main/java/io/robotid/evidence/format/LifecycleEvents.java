package io.robotid.evidence.format;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import io.robotid.evidence.codec.Hex;
import io.robotid.evidence.codec.RecordReader;
import io.robotid.evidence.codec.RecordReader.MalformedRecord;
import io.robotid.evidence.codec.RecordWriter;
import io.robotid.evidence.codec.Sha256;

/**
 * A lifecycle event's seal and chain link (EVIDENCE.md section 4).
 *
 * <p>v2 (every event recorded since EVIDENCE.md): the sealed bytes are a record tagged
 * {@code robotid-lifecycle-event-v2} with the event's header fields, the previous event's hash, and two
 * salted commitments: one to the payload (the {@code robotid.lifecycle.v1.EventPayload} bytes exactly as
 * stored) and one to who recorded it (subject and organisation). The event's hash is SHA-256 of the sealed
 * bytes. Whoever may not see the payload or the recorder still checks the hash and the link; whoever may is
 * given the bytes and the salt and checks the commitment.
 *
 * <p>v1 (events recorded before): SHA-256 over {@code robotid-lifecycle-event-v1\n}, the previous hash as
 * 64 hex characters, {@code \n}, and the deterministic protobuf encoding of the LifecycleEvent without
 * its hash fields. The registry serves that whole preimage as the event's sealed bytes, so a verifier
 * hashes the bytes as given and never re-serializes.
 */
public final class LifecycleEvents {
    public static final String TAG_V1 = "robotid-lifecycle-event-v1";
    public static final String TAG_V2 = "robotid-lifecycle-event-v2";
    public static final String PAYLOAD_TAG = "robotid-event-payload-v2";
    public static final String RECORDER_TAG = "robotid-event-recorder-v2";
    /** The previous hash of a robot's first event. */
    public static final byte[] GENESIS = new byte[32];
    public static final String GENESIS_HEX = "0".repeat(64);

    private LifecycleEvents() {
    }

    /** The fields a v2 seal holds, in their order. */
    public record EventV2(String robotId, long sequence, String type, Instant occurredAt, Instant recordedAt,
            String statusAfter, String recorderRole, String requestId, String traceId, byte[] previousHash,
            byte[] payloadCommitment, byte[] recorderCommitment) {
    }

    public static byte[] encode(EventV2 e) {
        return RecordWriter.tagged(TAG_V2).text(e.robotId()).integer(e.sequence()).text(e.type())
                .instant(e.occurredAt()).instant(e.recordedAt()).text(e.statusAfter()).text(e.recorderRole())
                .text(e.requestId()).text(e.traceId()).digest(e.previousHash()).digest(e.payloadCommitment())
                .digest(e.recorderCommitment()).toByteArray();
    }

    public static EventV2 decode(byte[] sealed) throws MalformedRecord {
        RecordReader r = RecordReader.of(sealed, TAG_V2);
        EventV2 e = new EventV2(r.text("robot_id"), r.integer("sequence"), r.text("type"), r.instant("occurred_at"),
                r.instant("recorded_at"), r.text("status_after"), r.text("recorder_role"), r.text("request_id"),
                r.text("trace_id"), r.digest("previous_hash"), r.digest("payload_commitment"),
                r.digest("recorder_commitment"));
        r.end();
        return e;
    }

    /** SHA-256 of {@code robotid-event-payload-v2} record [salt, payload bytes]. */
    public static byte[] payloadCommitment(byte[] salt, byte[] payload) {
        return RecordWriter.tagged(PAYLOAD_TAG).bytes(salt).bytes(payload).sha256();
    }

    /** SHA-256 of {@code robotid-event-recorder-v2} record [salt, subject, organisation]. */
    public static byte[] recorderCommitment(byte[] salt, String subject, String organisation) {
        return RecordWriter.tagged(RECORDER_TAG).bytes(salt).text(subject).text(organisation).sha256();
    }

    /** The event's hash: SHA-256 of its sealed bytes (either version). */
    public static byte[] hash(byte[] sealed) {
        return Sha256.of(sealed);
    }

    /** The v1 preimage: tag line, previous hash in hex, LF, the deterministic protobuf bytes. */
    public static byte[] v1Preimage(String previousHashHex, byte[] deterministicEvent) {
        byte[] head = (TAG_V1 + "\n" + previousHashHex + "\n").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[head.length + deterministicEvent.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(deterministicEvent, 0, out, head.length, deterministicEvent.length);
        return out;
    }

    /** The previous hash a v1 preimage names, or null when the bytes are not one. */
    public static String v1PreviousHash(byte[] preimage) {
        byte[] head = (TAG_V1 + "\n").getBytes(StandardCharsets.US_ASCII);
        if (preimage == null || preimage.length < head.length + 65) {
            return null;
        }
        for (int i = 0; i < head.length; i++) {
            if (preimage[i] != head[i]) {
                return null;
            }
        }
        if (preimage[head.length + 64] != '\n') {
            return null;
        }
        String hex = new String(preimage, head.length, 64, StandardCharsets.US_ASCII);
        return Hex.digestOrNull(hex) == null ? null : hex;
    }

    /** The protobuf part of a v1 preimage (the LifecycleEvent without its hash fields). */
    public static byte[] v1Event(byte[] preimage) {
        int from = TAG_V1.length() + 1 + 65;
        return java.util.Arrays.copyOfRange(preimage, from, preimage.length);
    }
}
