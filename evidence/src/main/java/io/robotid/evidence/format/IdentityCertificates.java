package io.robotid.evidence.format;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Identity certificates (EVIDENCE.md section 3): the registry's Ed25519 signature over the UTF-8 bytes
 * {@code robotid-identity-v1\n<robot_id>\n<manufacturer_code>\n<model_code>\n<issued_at millis>}, written on
 * labels as {@code <key_id>.<issued_at millis>.<signature base64url>}.
 */
public final class IdentityCertificates {
    public static final String TAG = "robotid-identity-v1";
    private static final Pattern TEXT = Pattern.compile("([A-Za-z0-9_-]{1,64})\\.([0-9]{1,15})\\.([A-Za-z0-9_-]{86})");
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    private IdentityCertificates() {
    }

    /** A certificate as presented: key id, issue time (milliseconds), signature. */
    public record Presented(String keyId, Instant issuedAt, byte[] signature) {
    }

    public static byte[] signedBytes(String robotId, String manufacturerCode, String modelCode, Instant issuedAt) {
        return (TAG + "\n" + robotId + "\n" + manufacturerCode + "\n" + modelCode + "\n" + issuedAt.toEpochMilli())
                .getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The record an issued ID's transparency-log entry commits to (EVIDENCE.md sections 11 and 12): the
     * signed message followed by the 64-byte signature, so the leaf binds the ID and its exact certificate.
     */
    public static byte[] logRecord(String robotId, String manufacturerCode, String modelCode, Instant issuedAt,
            byte[] signature) {
        byte[] signed = signedBytes(robotId, manufacturerCode, modelCode, issuedAt);
        byte[] out = java.util.Arrays.copyOf(signed, signed.length + signature.length);
        System.arraycopy(signature, 0, out, signed.length, signature.length);
        return out;
    }

    /** The hash the entry commits to: SHA-256 of {@link #logRecord}. */
    public static byte[] logHash(String robotId, String manufacturerCode, String modelCode, Instant issuedAt,
            byte[] signature) {
        return io.robotid.evidence.codec.Sha256.of(logRecord(robotId, manufacturerCode, modelCode, issuedAt, signature));
    }

    public static String text(String keyId, Instant issuedAt, byte[] signature) {
        return keyId + "." + issuedAt.toEpochMilli() + "." + B64URL.encodeToString(signature);
    }

    /** Parses the text form; empty when it is not one. */
    public static Optional<Presented> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        var matcher = TEXT.matcher(text.trim());
        if (!matcher.matches()) {
            return Optional.empty();
        }
        byte[] signature;
        try {
            signature = Base64.getUrlDecoder().decode(matcher.group(3));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (signature.length != 64) {
            return Optional.empty();
        }
        return Optional.of(new Presented(matcher.group(1), Instant.ofEpochMilli(Long.parseLong(matcher.group(2))),
                signature));
    }
}
