package io.robotid.evidence.verify;

import java.util.Map;
import java.util.Optional;

import io.robotid.evidence.crypto.Ed25519;
import io.robotid.evidence.format.IdentityCertificates;
import io.robotid.evidence.verify.Rejected.Why;

/**
 * Checks an identity certificate offline: the label's text names a key and an issue time; the signature
 * must be that key's over the robot ID, its manufacturer and model codes (characters 3-6 and 7-12 of the
 * ID) and the issue time.
 */
public final class IdentityCertificateVerifier {
    private IdentityCertificateVerifier() {
    }

    /**
     * @param robotId the canonical 29-character ID
     * @param certificateText {@code <key_id>.<issued_at millis>.<signature base64url>}
     * @param trustedKeys raw Ed25519 public keys by key id (identity-service's ListSigningKeys or its JWKS)
     * @return the certificate as presented, when genuine
     */
    public static IdentityCertificates.Presented verify(String robotId, String certificateText,
            Map<String, byte[]> trustedKeys) throws Rejected {
        if (robotId == null || robotId.length() != 29) {
            throw new Rejected(Why.MALFORMED, "robot_id: a canonical ID has 29 characters");
        }
        Optional<IdentityCertificates.Presented> parsed = IdentityCertificates.parse(certificateText);
        if (parsed.isEmpty()) {
            throw new Rejected(Why.MALFORMED, "certificate: not <key_id>.<issued_at millis>.<signature base64url>");
        }
        IdentityCertificates.Presented c = parsed.get();
        byte[] key = trustedKeys.get(c.keyId());
        if (key == null) {
            throw new Rejected(Why.UNKNOWN_KEY, "certificate: key " + c.keyId() + " is not among the trusted keys");
        }
        byte[] signed = IdentityCertificates.signedBytes(robotId, robotId.substring(2, 6), robotId.substring(6, 12),
                c.issuedAt());
        if (!Ed25519.verify(key, signed, c.signature())) {
            throw new Rejected(Why.BAD_SIGNATURE, "certificate: the signature is not key " + c.keyId() + "'s over "
                    + robotId + " issued at " + c.issuedAt().toEpochMilli());
        }
        return c;
    }
}
