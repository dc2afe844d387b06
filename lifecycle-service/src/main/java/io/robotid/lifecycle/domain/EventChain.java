package io.robotid.lifecycle.domain;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import com.google.protobuf.CodedOutputStream;

import io.robotid.proto.lifecycle.v1.LifecycleEvent;

/**
 * The per-robot hash chain: each event's hash is SHA-256 over a domain tag, the previous event's
 * hash, and the deterministic protobuf encoding of the event without its own hash fields
 * (robot, sequence, type, time, payload, status after, and who recorded it, when, under which
 * request and trace). Changing any of these in the database breaks the chain from that event on.
 */
public final class EventChain {
    /** previous_hash of a robot's first event. */
    public static final String GENESIS = "0".repeat(64);
    private static final byte[] DOMAIN = "robotid-lifecycle-event-v1\n".getBytes(StandardCharsets.UTF_8);

    private EventChain() {
    }

    public static String hash(LifecycleEvent event, String previousHash) {
        LifecycleEvent content = event.toBuilder().clearHash().clearPreviousHash().build();
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            out.useDeterministicSerialization();
            content.writeTo(out);
            out.flush();
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(DOMAIN);
            digest.update(previousHash.getBytes(StandardCharsets.US_ASCII));
            digest.update((byte) '\n');
            digest.update(bytes.toByteArray());
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** Sets previous_hash and hash on an event. */
    public static LifecycleEvent seal(LifecycleEvent event, String previousHash) {
        return event.toBuilder().setPreviousHash(previousHash).setHash(hash(event, previousHash)).build();
    }
}
