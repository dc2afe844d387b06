package io.robotid.geofence.offline;

import java.util.Map;

import io.robotid.evidence.crypto.Ed25519;

/** A test signer with an Ed25519 key, and its raw public key as a trusted key. */
final class Signer {
    final Ed25519.SigningKey key = Ed25519.generate();
    final String keyId;

    Signer(String keyId) {
        this.keyId = keyId;
    }

    byte[] sign(byte[] message) {
        return key.sign(message);
    }

    byte[] rawPublicKey() {
        return key.publicKey();
    }

    Map<String, byte[]> trusted() {
        return Map.of(keyId, rawPublicKey());
    }
}
