package io.robotid.geofence.offline;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Arrays;
import java.util.Map;

/** A test signer with a JDK Ed25519 key, and its raw public key as a trusted key. */
final class Signer {
    final KeyPair pair;
    final String keyId;

    Signer(String keyId) {
        try {
            this.pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        this.keyId = keyId;
    }

    byte[] sign(byte[] message) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(pair.getPrivate());
            s.update(message);
            return s.sign();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    byte[] rawPublicKey() {
        byte[] der = pair.getPublic().getEncoded();
        return Arrays.copyOfRange(der, der.length - 32, der.length);
    }

    Map<String, byte[]> trusted() {
        return Map.of(keyId, rawPublicKey());
    }
}
