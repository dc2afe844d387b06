package io.robotid.evidence.crypto;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.crypto.util.PublicKeyFactory;

import io.robotid.evidence.codec.Sha256;

/**
 * Ed25519 (RFC 8032, pure) from BouncyCastle's {@code org.bouncycastle.math.ec.rfc8032.Ed25519}: the one
 * implementation every part of the registry signs and verifies with (identity certificates, receipts,
 * bundles, checkpoints, the offline verifiers). Ed25519 is deterministic, so its signatures are byte for
 * byte those of any other correct implementation (the JDK's SunEC included); BouncyCastle's is 15-20
 * times faster here. Keys are raw 32-byte seeds and public keys, read from and written to PKCS#8 /
 * X.509 PEM (RFC 8410) as OpenSSL writes them.
 */
public final class Ed25519 {
    public static final String ALGORITHM = "Ed25519";
    private static final byte[] SPKI_PREFIX = { 0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00 };
    private static final byte[] PKCS8_PREFIX = { 0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70,
            0x04, 0x22, 0x04, 0x20 };
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();
    private static final SecureRandom RANDOM = new SecureRandom();

    static {
        // the base-point tables, once per JVM instead of at the first signature
        org.bouncycastle.math.ec.rfc8032.Ed25519.precompute();
    }

    private Ed25519() {
    }

    /** A private key: its 32-byte seed and the public key derived from it. */
    public static final class SigningKey {
        private final byte[] seed;
        private final byte[] publicKey;

        private SigningKey(byte[] seed) {
            if (seed == null || seed.length != 32) {
                throw new IllegalArgumentException("an Ed25519 private key is a 32-byte seed");
            }
            this.seed = seed.clone();
            this.publicKey = new byte[32];
            org.bouncycastle.math.ec.rfc8032.Ed25519.generatePublicKey(this.seed, 0, this.publicKey, 0);
        }

        public static SigningKey ofSeed(byte[] seed) {
            return new SigningKey(seed);
        }

        public byte[] publicKey() {
            return publicKey.clone();
        }

        /** The 32-byte private seed (for writing the key out). */
        public byte[] seed() {
            return seed.clone();
        }

        public String keyId() {
            return Ed25519.keyId(publicKey);
        }

        /** The 64-byte signature of {@code message}. */
        public byte[] sign(byte[] message) {
            byte[] signature = new byte[64];
            org.bouncycastle.math.ec.rfc8032.Ed25519.sign(seed, 0, publicKey, 0, message, 0, message.length, signature, 0);
            return signature;
        }

        /** PKCS#8 DER (RFC 8410 OneAsymmetricKey v1), as OpenSSL writes it. */
        public byte[] pkcs8() {
            byte[] der = Arrays.copyOf(PKCS8_PREFIX, PKCS8_PREFIX.length + 32);
            System.arraycopy(seed, 0, der, PKCS8_PREFIX.length, 32);
            return der;
        }

        /** PEM with the PKCS#8 private key followed by its X.509 public key ({@link #readPem} reads it back). */
        public String toPem() {
            Base64.Encoder mime = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
            return "-----BEGIN PRIVATE KEY-----\n" + mime.encodeToString(pkcs8())
                    + "\n-----END PRIVATE KEY-----\n-----BEGIN PUBLIC KEY-----\n"
                    + mime.encodeToString(spki(publicKey)) + "\n-----END PUBLIC KEY-----\n";
        }

        @Override
        public String toString() {
            return "Ed25519 key " + keyId();
        }
    }

    public static SigningKey generate() {
        byte[] seed = new byte[32];
        RANDOM.nextBytes(seed);
        return new SigningKey(seed);
    }

    /** Signs with a 32-byte seed. */
    public static byte[] sign(byte[] seed, byte[] message) {
        return new SigningKey(seed).sign(message);
    }

    /** False for a wrong, truncated or garbled signature or key; never throws on bad input. */
    public static boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
        if (publicKey == null || publicKey.length != 32 || signature == null || signature.length != 64 || message == null) {
            return false;
        }
        try {
            return org.bouncycastle.math.ec.rfc8032.Ed25519.verify(signature, 0, publicKey, 0, message, 0, message.length);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The private key in a PKCS#8 DER structure (RFC 8410). */
    public static SigningKey fromPkcs8(byte[] der) {
        try {
            AsymmetricKeyParameter key = PrivateKeyFactory.createKey(der);
            if (key instanceof Ed25519PrivateKeyParameters ed) {
                return new SigningKey(ed.getEncoded());
            }
            throw new IllegalArgumentException("the PKCS#8 key is not an Ed25519 key");
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not a PKCS#8 Ed25519 private key: " + e.getMessage(), e);
        }
    }

    /** The raw public key in an X.509 SubjectPublicKeyInfo DER structure (RFC 8410). */
    public static byte[] fromSpki(byte[] der) {
        try {
            AsymmetricKeyParameter key = PublicKeyFactory.createKey(der);
            if (key instanceof Ed25519PublicKeyParameters ed) {
                return ed.getEncoded();
            }
            throw new IllegalArgumentException("the public key is not an Ed25519 key");
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not an X.509 Ed25519 public key: " + e.getMessage(), e);
        }
    }

    /** X.509 SubjectPublicKeyInfo DER of a raw public key. */
    public static byte[] spki(byte[] publicKey) {
        byte[] der = Arrays.copyOf(SPKI_PREFIX, SPKI_PREFIX.length + 32);
        System.arraycopy(publicKey, 0, der, SPKI_PREFIX.length, 32);
        return der;
    }

    /**
     * Reads a PEM holding a PKCS#8 Ed25519 private key and, optionally, its public key (e.g. from
     * {@code openssl genpkey -algorithm ed25519 -out k.pem && openssl pkey -in k.pem -pubout >> k.pem});
     * a public key that does not belong to the private key is refused.
     */
    public static SigningKey readPem(String pem) {
        SigningKey key = fromPkcs8(block(pem, "PRIVATE KEY"));
        if (pem.contains("-----BEGIN PUBLIC KEY-----")) {
            byte[] stated = fromSpki(block(pem, "PUBLIC KEY"));
            if (!Arrays.equals(stated, key.publicKey)) {
                throw new IllegalArgumentException("the public key does not belong to the private key");
            }
        }
        return key;
    }

    private static byte[] block(String pem, String type) {
        String begin = "-----BEGIN " + type + "-----";
        String end = "-----END " + type + "-----";
        int from = pem.indexOf(begin);
        int to = from < 0 ? -1 : pem.indexOf(end, from + 1);
        if (from < 0 || to < 0) {
            throw new IllegalArgumentException("the PEM has no " + type + " block");
        }
        return Base64.getMimeDecoder().decode(pem.substring(from + begin.length(), to));
    }

    /** First 16 characters of the RFC 7638 JWK thumbprint (base64url): short enough for a QR code, stable. */
    public static String keyId(byte[] publicKey) {
        String canonicalJwk = "{\"crv\":\"Ed25519\",\"kty\":\"OKP\",\"x\":\"" + B64URL.encodeToString(publicKey) + "\"}";
        return B64URL.encodeToString(Sha256.of(canonicalJwk.getBytes(StandardCharsets.UTF_8))).substring(0, 16);
    }

    /** The RFC 8037 JWK of a public key. */
    public static Map<String, String> jwk(String keyId, byte[] publicKey) {
        Map<String, String> jwk = new LinkedHashMap<>();
        jwk.put("kty", "OKP");
        jwk.put("crv", "Ed25519");
        jwk.put("x", B64URL.encodeToString(publicKey));
        jwk.put("kid", keyId);
        jwk.put("alg", "EdDSA");
        jwk.put("use", "sig");
        return jwk;
    }
}
