package io.robotid.kit.signing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Ed25519 with the JDK's own provider (no hand-written crypto): key generation, PEM files,
 * raw 32-byte public keys, RFC 7638 key ids and RFC 8037 JWKs, signing and verification.
 */
public final class Ed25519 {
    public static final String ALGORITHM = "Ed25519";
    /** DER prefix of an X.509 SubjectPublicKeyInfo holding a raw Ed25519 key (RFC 8410). */
    private static final byte[] SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    private Ed25519() {
    }

    public static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no Ed25519", e);
        }
    }

    public static byte[] sign(PrivateKey key, byte[] message) {
        try {
            Signature signature = Signature.getInstance(ALGORITHM);
            signature.initSign(key);
            signature.update(message);
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed", e);
        }
    }

    /** False for a wrong, truncated or garbled signature; never throws on bad input. */
    public static boolean verify(byte[] rawPublicKey, byte[] message, byte[] signatureBytes) {
        if (rawPublicKey == null || rawPublicKey.length != 32 || signatureBytes == null || signatureBytes.length != 64) {
            return false;
        }
        try {
            Signature signature = Signature.getInstance(ALGORITHM);
            signature.initVerify(publicKey(rawPublicKey));
            signature.update(message);
            return signature.verify(signatureBytes);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    /** The raw 32-byte key of an Ed25519 public key. */
    public static byte[] raw(PublicKey key) {
        byte[] encoded = key.getEncoded();
        return Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length);
    }

    public static PublicKey publicKey(byte[] raw) throws GeneralSecurityException {
        byte[] spki = Arrays.copyOf(SPKI_PREFIX, SPKI_PREFIX.length + raw.length);
        System.arraycopy(raw, 0, spki, SPKI_PREFIX.length, raw.length);
        return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(spki));
    }

    /** First 16 characters of the RFC 7638 JWK thumbprint: short enough for a QR code, stable. */
    public static String keyId(byte[] rawPublicKey) {
        String canonicalJwk = "{\"crv\":\"Ed25519\",\"kty\":\"OKP\",\"x\":\"" + B64URL.encodeToString(rawPublicKey) + "\"}";
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonicalJwk.getBytes(StandardCharsets.UTF_8));
            return B64URL.encodeToString(digest).substring(0, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The RFC 8037 JWK of a public key. */
    public static Map<String, String> jwk(String keyId, byte[] rawPublicKey) {
        Map<String, String> jwk = new LinkedHashMap<>();
        jwk.put("kty", "OKP");
        jwk.put("crv", "Ed25519");
        jwk.put("x", B64URL.encodeToString(rawPublicKey));
        jwk.put("kid", keyId);
        jwk.put("alg", "EdDSA");
        jwk.put("use", "sig");
        return jwk;
    }

    /** PEM with the PKCS#8 private key and the X.509 public key, as {@link #readPem} reads it. */
    public static String toPem(KeyPair pair) {
        Base64.Encoder mime = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
        return "-----BEGIN PRIVATE KEY-----\n" + mime.encodeToString(pair.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n-----BEGIN PUBLIC KEY-----\n"
                + mime.encodeToString(pair.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n";
    }

    /**
     * Reads a PEM holding a PKCS#8 Ed25519 private key and its public key (e.g. from
     * {@code openssl genpkey -algorithm ed25519 -out k.pem && openssl pkey -in k.pem -pubout >> k.pem}).
     */
    public static KeyPair readPem(String pem) {
        try {
            byte[] privateDer = block(pem, "PRIVATE KEY");
            byte[] publicDer = block(pem, "PUBLIC KEY");
            KeyFactory factory = KeyFactory.getInstance(ALGORITHM);
            PrivateKey privateKey = factory.generatePrivate(new PKCS8EncodedKeySpec(privateDer));
            PublicKey publicKey = factory.generatePublic(new X509EncodedKeySpec(publicDer));
            byte[] probe = "robotid key check".getBytes(StandardCharsets.UTF_8);
            if (!verify(raw(publicKey), probe, sign(privateKey, probe))) {
                throw new IllegalArgumentException("the public key does not belong to the private key");
            }
            return new KeyPair(publicKey, privateKey);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an Ed25519 key pair: " + e.getMessage(), e);
        }
    }

    private static byte[] block(String pem, String type) {
        String begin = "-----BEGIN " + type + "-----";
        String end = "-----END " + type + "-----";
        int from = pem.indexOf(begin);
        int to = pem.indexOf(end, from + 1);
        if (from < 0 || to < 0) {
            throw new IllegalArgumentException("the PEM has no " + type + " block");
        }
        return Base64.getMimeDecoder().decode(pem.substring(from + begin.length(), to));
    }
}
