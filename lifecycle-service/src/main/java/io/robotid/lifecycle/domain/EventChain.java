package io.robotid.lifecycle.domain;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.time.Instant;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;

import io.robotid.evidence.codec.Hex;
import io.robotid.evidence.codec.RecordReader.MalformedRecord;
import io.robotid.evidence.format.LifecycleEvents;
import io.robotid.proto.common.v1.AuditStamp;
import io.robotid.proto.lifecycle.v1.EventPayload;
import io.robotid.proto.lifecycle.v1.EventType;
import io.robotid.proto.lifecycle.v1.LifecycleEvent;
import io.robotid.proto.lifecycle.v1.RobotStatus;

/**
 * The per-robot hash chain, as EVIDENCE.md section 4 specifies it (formats in
 * {@link LifecycleEvents}). New events are sealed as v2: a record of the header fields, the previous
 * hash, and salted commitments to the payload and to who recorded it; the event's hash is SHA-256 of
 * that record. Events sealed as v1 before keep verifying as v1. What is stored of an event is its
 * sealed bytes, the payload bytes and the recorder as committed, and the salts; everything an API
 * answers about an event is read from these ({@link #read}).
 */
public final class EventChain {
    /** previous_hash of a robot's first event. */
    public static final String GENESIS = LifecycleEvents.GENESIS_HEX;
    private static final SecureRandom SALTS = new SecureRandom();

    private EventChain() {
    }

    /**
     * Seals a new event (v2) onto the chain whose last hash is {@code previousHash}: the draft's robot,
     * sequence, type, occurred_at (kept to the microsecond), payload, status after and recorder
     * ({@code recorded}, whose time is the recording instant).
     */
    public static LifecycleEvent seal(LifecycleEvent draft, String previousHash) {
        byte[] payload = draft.getPayload().toByteArray();
        byte[] payloadSalt = salt();
        byte[] recorderSalt = salt();
        AuditStamp recorded = draft.getRecorded();
        Instant occurred = micros(draft.getOccurredAt());
        Instant recordedAt = micros(recorded.getTime());
        byte[] sealed = LifecycleEvents.encode(new LifecycleEvents.EventV2(draft.getRobotId(), draft.getSequence(),
                draft.getType().name(), occurred, recordedAt, draft.getStatusAfter().name(), recorded.getRole(),
                recorded.getRequestId(), recorded.getTraceId(), Hex.parse(previousHash),
                LifecycleEvents.payloadCommitment(payloadSalt, payload),
                LifecycleEvents.recorderCommitment(recorderSalt, recorded.getSubject(), recorded.getOrganisation())));
        return draft.toBuilder().setOccurredAt(timestamp(occurred))
                .setRecorded(recorded.toBuilder().setTime(timestamp(recordedAt)))
                .setPreviousHash(previousHash).setHash(Hex.of(LifecycleEvents.hash(sealed))).setSealVersion(2)
                .setSealed(ByteString.copyFrom(sealed)).setPayloadBytes(ByteString.copyFrom(payload))
                .setPayloadSalt(ByteString.copyFrom(payloadSalt)).setRecorderSalt(ByteString.copyFrom(recorderSalt))
                .build();
    }

    /** What is stored of an event (the event table's evidence columns). */
    public record Stored(int sealVersion, byte[] body, byte[] payload, byte[] payloadSalt, String recorderSubject,
            String recorderOrganisation, byte[] recorderSalt) {
    }

    public static Stored stored(LifecycleEvent sealed) {
        return new Stored(2, sealed.getSealed().toByteArray(), sealed.getPayloadBytes().toByteArray(),
                sealed.getPayloadSalt().toByteArray(), sealed.getRecorded().getSubject(),
                sealed.getRecorded().getOrganisation(), sealed.getRecorderSalt().toByteArray());
    }

    /**
     * The event as the APIs answer it, read from what is stored: a v2 event from its sealed record, payload
     * and recorder (its hash is recomputed from the sealed bytes); a v1 event from its stored message, with
     * the v1 preimage as its sealed bytes.
     *
     * @throws MalformedRecord when the stored bytes are not a sealed event
     */
    public static LifecycleEvent read(Stored s) throws MalformedRecord {
        if (s.sealVersion() == 1) {
            LifecycleEvent e;
            try {
                e = LifecycleEvent.parseFrom(s.body());
            } catch (InvalidProtocolBufferException x) {
                throw new MalformedRecord("body", "is not a robotid.lifecycle.v1.LifecycleEvent");
            }
            byte[] preimage = v1Preimage(e, e.getPreviousHash());
            return e.toBuilder().setSealVersion(1).setSealed(ByteString.copyFrom(preimage))
                    .setHash(Hex.of(LifecycleEvents.hash(preimage))).build();
        }
        if (s.sealVersion() != 2) {
            throw new MalformedRecord("seal_version", "is " + s.sealVersion() + ": only versions 1 and 2 exist");
        }
        LifecycleEvents.EventV2 h = LifecycleEvents.decode(s.body());
        EventPayload payload;
        try {
            payload = EventPayload.parseFrom(s.payload() == null ? new byte[0] : s.payload());
        } catch (InvalidProtocolBufferException x) {
            throw new MalformedRecord("payload", "is not a robotid.lifecycle.v1.EventPayload");
        }
        EventType type;
        RobotStatus after;
        try {
            type = EventType.valueOf(h.type());
            after = RobotStatus.valueOf(h.statusAfter());
        } catch (IllegalArgumentException x) {
            throw new MalformedRecord("type", "names no event type or status: " + h.type() + " / " + h.statusAfter());
        }
        return LifecycleEvent.newBuilder().setRobotId(h.robotId()).setSequence(h.sequence()).setType(type)
                .setOccurredAt(timestamp(h.occurredAt())).setPayload(payload).setStatusAfter(after)
                .setPreviousHash(Hex.of(h.previousHash())).setHash(Hex.of(LifecycleEvents.hash(s.body())))
                .setRecorded(AuditStamp.newBuilder().setSubject(nullToEmpty(s.recorderSubject()))
                        .setRole(h.recorderRole()).setOrganisation(nullToEmpty(s.recorderOrganisation()))
                        .setTime(timestamp(h.recordedAt())).setRequestId(h.requestId()).setTraceId(h.traceId()))
                .setSealVersion(2).setSealed(ByteString.copyFrom(s.body()))
                .setPayloadBytes(ByteString.copyFrom(nullToEmpty(s.payload())))
                .setPayloadSalt(ByteString.copyFrom(nullToEmpty(s.payloadSalt())))
                .setRecorderSalt(ByteString.copyFrom(nullToEmpty(s.recorderSalt()))).build();
    }

    /** The v1 hash of a v1 event (robotid-lifecycle-event-v1, kept for events sealed before v2). */
    public static String hashV1(LifecycleEvent event, String previousHash) {
        return Hex.of(LifecycleEvents.hash(v1Preimage(event, previousHash)));
    }

    /** The v1 preimage: tag, previous hash in hex, and the deterministic encoding without hash fields. */
    public static byte[] v1Preimage(LifecycleEvent event, String previousHash) {
        LifecycleEvent content = event.toBuilder().clearHash().clearPreviousHash().clearSealVersion().clearSealed()
                .clearPayloadBytes().clearPayloadSalt().clearRecorderSalt().build();
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            out.useDeterministicSerialization();
            content.writeTo(out);
            out.flush();
            return LifecycleEvents.v1Preimage(previousHash, bytes.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An event sealed the v1 way (for events recorded before v2, and to test that they keep verifying). */
    public static LifecycleEvent sealV1(LifecycleEvent draft, String previousHash) {
        return draft.toBuilder().setPreviousHash(previousHash).setHash(hashV1(draft, previousHash)).build();
    }

    public static Instant micros(Timestamp t) {
        return Instant.ofEpochSecond(t.getSeconds(), (t.getNanos() / 1000) * 1000L);
    }

    public static Timestamp timestamp(Instant at) {
        return Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()).build();
    }

    private static byte[] salt() {
        byte[] salt = new byte[32];
        SALTS.nextBytes(salt);
        return salt;
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    private static byte[] nullToEmpty(byte[] b) {
        return b == null ? new byte[0] : b;
    }
}
