package io.robotid.evidence.tlog;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

import io.robotid.evidence.crypto.Ed25519;

/**
 * Signs notes with an Ed25519 key: a log's checkpoint signature (type 0x01) or a witness's timestamped
 * cosignature (type 0x04). Its private key is written as Go's {@code golang.org/x/mod/sumdb/note} writes
 * one, {@code PRIVATE+KEY+<name>+<hex key ID>+base64(type || 32-byte seed)}, so keys move between the
 * two.
 */
public final class NoteSigner {
    private static final String PREFIX = "PRIVATE+KEY+";
    private final Ed25519.SigningKey key;
    private final NoteKey verifierKey;

    public NoteSigner(String name, byte type, Ed25519.SigningKey key) {
        this.key = key;
        this.verifierKey = NoteKey.of(name, type, key.publicKey());
    }

    public static NoteSigner generate(String name, byte type) {
        return new NoteSigner(name, type, Ed25519.generate());
    }

    public NoteKey verifierKey() {
        return verifierKey;
    }

    public String name() {
        return verifierKey.name();
    }

    /** The log's signature over a note text. */
    public SignedNote.Signature sign(String text) {
        if (verifierKey.type() != NoteKey.ED25519) {
            throw new IllegalStateException(name() + " is a cosigner: use cosign");
        }
        return new SignedNote.Signature(name(), verifierKey.keyId(), key.sign(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** A cosignature/v1 over a checkpoint's note text at {@code timestamp} (POSIX seconds). */
    public SignedNote.Signature cosign(String checkpointText, long timestamp) {
        if (verifierKey.type() != NoteKey.COSIGNATURE_V1) {
            throw new IllegalStateException(name() + " is not a cosigner");
        }
        byte[] sig = key.sign(Cosignatures.message(timestamp, checkpointText));
        return new SignedNote.Signature(name(), verifierKey.keyId(),
                ByteBuffer.allocate(72).putLong(timestamp).put(sig).array());
    }

    public String privateKey() {
        byte[] k = new byte[33];
        k[0] = verifierKey.type();
        System.arraycopy(key.seed(), 0, k, 1, 32);
        return PREFIX + name() + "+" + HexFormat.of().toHexDigits(verifierKey.keyId()) + "+"
                + Base64.getEncoder().encodeToString(k);
    }

    /**
     * Writes this key to a new file, readable by its owner alone from the moment it exists (mode 0600
     * where the file system has POSIX modes), and forces it to disk; fails if the file exists.
     */
    public void writeNew(java.nio.file.Path file) throws java.io.IOException {
        java.nio.file.Path dir = file.toAbsolutePath().getParent();
        if (dir != null) {
            java.nio.file.Files.createDirectories(dir);
        }
        boolean posix = java.nio.file.Files.getFileStore(dir == null ? file.toAbsolutePath() : dir)
                .supportsFileAttributeView("posix");
        java.util.Set<java.nio.file.attribute.PosixFilePermission> ownerOnly = java.nio.file.attribute.PosixFilePermissions
                .fromString("rw-------");
        java.nio.file.attribute.FileAttribute<?>[] attributes = posix
                ? new java.nio.file.attribute.FileAttribute<?>[] { java.nio.file.attribute.PosixFilePermissions.asFileAttribute(ownerOnly) }
                : new java.nio.file.attribute.FileAttribute<?>[0];
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file, java.util.Set.of(
                java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE), attributes)) {
            if (posix) {
                // the umask may have narrowed the mode, never widened it: set it exactly
                java.nio.file.Files.setPosixFilePermissions(file, ownerOnly);
            }
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap((privateKey() + "\n").getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) {
                channel.write(b);
            }
            channel.force(true);
        }
    }

    public static NoteSigner parse(String skey) {
        String s = skey == null ? "" : skey.strip();
        if (!s.startsWith(PREFIX)) {
            throw new MalformedEvidence("private key: starts with PRIVATE+KEY+");
        }
        String[] parts = s.substring(PREFIX.length()).split("\\+", 3);
        if (parts.length != 3 || !parts[1].matches("[0-9a-f]{8}")) {
            throw new MalformedEvidence("private key: PRIVATE+KEY+<name>+<hex key ID>+<base64 key>");
        }
        byte[] k;
        try {
            k = Base64.getDecoder().decode(parts[2]);
        } catch (IllegalArgumentException e) {
            throw new MalformedEvidence("private key " + parts[0] + ": the key is not standard base64");
        }
        if (k.length != 33) {
            throw new MalformedEvidence("private key " + parts[0] + ": a type byte and a 32-byte Ed25519 seed");
        }
        NoteSigner signer = new NoteSigner(parts[0], k[0], Ed25519.SigningKey.ofSeed(Arrays.copyOfRange(k, 1, 33)));
        if (signer.verifierKey.keyId() != Integer.parseUnsignedInt(parts[1], 16)) {
            throw new MalformedEvidence("private key " + parts[0] + ": the key ID does not match the key");
        }
        return signer;
    }
}
