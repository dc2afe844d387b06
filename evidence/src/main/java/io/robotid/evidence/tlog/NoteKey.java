package io.robotid.evidence.tlog;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

import io.robotid.evidence.codec.Sha256;
import io.robotid.evidence.crypto.Ed25519;

/**
 * A note verifier key (c2sp.org/signed-note "vkey"): {@code <name>+<hex key ID>+base64(type || public key)}.
 * Two types are used here, both Ed25519: {@link #ED25519} (0x01) for a log's own checkpoint signature,
 * and {@link #COSIGNATURE_V1} (0x04, c2sp.org/tlog-cosignature) for a witness's timestamped cosignature.
 */
public record NoteKey(String name, int keyId, byte type, byte[] publicKey) {
    public static final byte ED25519 = 0x01;
    public static final byte COSIGNATURE_V1 = 0x04;

    public NoteKey {
        if (!SignedNote.validKeyName(name)) {
            throw new MalformedEvidence("key name '" + SignedNote.shorten(String.valueOf(name)) + "' is empty or holds a space or '+'");
        }
        if (type != ED25519 && type != COSIGNATURE_V1) {
            throw new MalformedEvidence("key " + name + ": signature type 0x%02x is not Ed25519 (0x01) or cosignature/v1 (0x04)".formatted(type));
        }
        if (publicKey == null || publicKey.length != 32) {
            throw new MalformedEvidence("key " + name + ": an Ed25519 public key is 32 bytes");
        }
        publicKey = publicKey.clone();
        if (keyId != keyId(name, type, publicKey)) {
            throw new MalformedEvidence("key " + name + ": key ID %08x does not match its name and public key".formatted(keyId));
        }
    }

    public static NoteKey of(String name, byte type, byte[] publicKey) {
        return new NoteKey(name, keyId(name, type, publicKey), type, publicKey);
    }

    /** {@code SHA-256(name || 0x0A || type || public key)[:4]}, big-endian. */
    public static int keyId(String name, byte type, byte[] publicKey) {
        MessageDigest sha = Sha256.digest();
        sha.update(name.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0x0a);
        sha.update(type);
        return ByteBuffer.wrap(sha.digest(publicKey)).getInt();
    }

    /** Parses a vkey, naming the part that is wrong. */
    public static NoteKey parse(String vkey) {
        String[] parts = vkey == null ? new String[0] : vkey.strip().split("\\+", 3);
        if (parts.length != 3) {
            throw new MalformedEvidence("vkey: expected <name>+<hex key ID>+<base64 key>, got " + parts.length + " parts");
        }
        if (!parts[1].matches("[0-9a-f]{8}")) {
            throw new MalformedEvidence("vkey " + parts[0] + ": the key ID is 8 lowercase hex digits");
        }
        byte[] key = Text.base64(parts[2], "vkey " + parts[0] + ": the key");
        if (key.length != 33) {
            throw new MalformedEvidence("vkey " + parts[0] + ": the key is a type byte and 32 bytes of Ed25519 public key");
        }
        return new NoteKey(parts[0], Integer.parseUnsignedInt(parts[1], 16), key[0], Arrays.copyOfRange(key, 1, 33));
    }

    public String vkey() {
        byte[] key = new byte[33];
        key[0] = type;
        System.arraycopy(publicKey, 0, key, 1, 32);
        return name + "+" + HexFormat.of().toHexDigits(keyId) + "+" + Base64.getEncoder().encodeToString(key);
    }

    @Override
    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** Whether a signature line claims to be from this key (name and ID both match). */
    public boolean matches(SignedNote.Signature s) {
        return s.keyName().equals(name) && s.keyId() == keyId;
    }

    /**
     * Checks a signature of this key over a note's text. For a cosignature, the time it states (POSIX
     * seconds) is returned; for a plain signature, 0. Throws when the signature does not verify.
     */
    public long verify(String text, SignedNote.Signature s) {
        byte[] sig = s.signature();
        if (type == ED25519) {
            if (sig.length != 64 || !Ed25519.verify(publicKey, text.getBytes(StandardCharsets.UTF_8), sig)) {
                throw new BadSignature(name + ": the signature does not verify");
            }
            return 0;
        }
        if (sig.length != 72) {
            throw new BadSignature(name + ": a cosignature/v1 is an 8-byte timestamp and a 64-byte signature");
        }
        long time = ByteBuffer.wrap(sig).getLong();
        if (time < 0) {
            throw new BadSignature(name + ": the cosignature's timestamp exceeds 2^63-1");
        }
        if (!Ed25519.verify(publicKey, Cosignatures.message(time, text), Arrays.copyOfRange(sig, 8, 72))) {
            throw new BadSignature(name + ": the cosignature does not verify");
        }
        return time;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NoteKey k && k.name.equals(name) && k.keyId == keyId && k.type == type
                && Arrays.equals(k.publicKey, publicKey);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + keyId;
    }

    @Override
    public String toString() {
        return vkey();
    }

    /** A signature from a known key that does not verify. */
    public static class BadSignature extends RuntimeException {
        public BadSignature(String message) {
            super(message);
        }
    }
}
