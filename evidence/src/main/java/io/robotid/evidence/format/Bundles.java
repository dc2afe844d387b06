package io.robotid.evidence.format;

import io.robotid.evidence.crypto.Ed25519;
import io.robotid.evidence.verify.Rejected;
import io.robotid.evidence.verify.Rejected.Why;

import java.util.Map;

/**
 * Offline permission bundles (EVIDENCE.md section 9): JSON documents (UTF-8, members in a fixed order)
 * signed whole: the Ed25519 signature covers the bundle's bytes exactly as served. A verifier checks the
 * signature over the bytes as given before reading them, and never re-serializes.
 */
public final class Bundles {
    /** The {@code format} member of every bundle this registry writes. */
    public static final String FORMAT = "robotid-permission-bundle-v1";

    private Bundles() {
    }

    /** Checks the signature of a bundle's bytes under the named key. */
    public static void verifySignature(byte[] bundle, String keyId, byte[] signature, Map<String, byte[]> trustedKeys)
            throws Rejected {
        byte[] key = trustedKeys.get(keyId);
        if (key == null) {
            throw new Rejected(Why.UNKNOWN_KEY, "no trusted key " + keyId);
        }
        if (bundle == null || !Ed25519.verify(key, bundle, signature)) {
            throw new Rejected(Why.BAD_SIGNATURE, "the bundle is not what key " + keyId + " signed");
        }
    }
}
