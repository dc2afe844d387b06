package io.robotid.evidence.codec;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256 (FIPS 180-4) from the JDK. */
public final class Sha256 {
    /** Cloned for each use: a clone skips the provider lookup of getInstance, a cost on the check path. */
    private static final MessageDigest PROTOTYPE;

    static {
        try {
            PROTOTYPE = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private Sha256() {
    }

    /** A fresh SHA-256 digest. */
    public static MessageDigest digest() {
        try {
            return (MessageDigest) PROTOTYPE.clone();
        } catch (CloneNotSupportedException e) {
            try {
                return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException impossible) {
                throw new IllegalStateException("every JDK has SHA-256", impossible);
            }
        }
    }

    public static byte[] of(byte[] data) {
        return digest().digest(data);
    }

    public static byte[] of(byte[] data, int offset, int length) {
        MessageDigest d = digest();
        d.update(data, offset, length);
        return d.digest();
    }

    /** SHA-256 of the concatenation of the parts. */
    public static byte[] ofAll(byte[]... parts) {
        MessageDigest d = digest();
        for (byte[] p : parts) {
            d.update(p);
        }
        return d.digest();
    }
}
