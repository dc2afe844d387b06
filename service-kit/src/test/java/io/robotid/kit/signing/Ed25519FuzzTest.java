package io.robotid.kit.signing;

import io.robotid.evidence.crypto.Ed25519;

import static org.assertj.core.api.Assertions.assertThat;


import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes signature verification, which every ID certificate, receipt and offline bundle relies on:
 * a signed message with any byte changed, any signature changed, or another key, never verifies,
 * and garbage never throws. A plain test run replays {@code Ed25519FuzzTestInputs/}; see docs/testing.md, "Fuzzing".
 */
class Ed25519FuzzTest {
    private static final Ed25519.SigningKey SIGNER = Ed25519.generate();
    private static final Ed25519.SigningKey OTHER = Ed25519.generate();

    @FuzzTest(maxDuration = "5m")
    void onlyTheExactSignedBytesVerify(FuzzedDataProvider data) {
        int flipAt = data.consumeInt(0, 1 << 16);
        int mask = data.consumeInt(1, 255);
        boolean inSignature = data.consumeBoolean();
        byte[] message = data.consumeRemainingAsBytes();
        byte[] signature = SIGNER.sign(message);
        byte[] key = SIGNER.publicKey();
        assertThat(Ed25519.verify(key, message, signature)).isTrue();
        assertThat(Ed25519.verify(OTHER.publicKey(), message, signature)).as("another key").isFalse();

        byte[] changed = (inSignature || message.length == 0 ? signature : message).clone();
        changed[flipAt % changed.length] ^= (byte) mask;
        if (inSignature || message.length == 0) {
            assertThat(Ed25519.verify(key, message, changed)).as("a changed signature").isFalse();
        } else {
            assertThat(Ed25519.verify(key, changed, signature)).as("a changed message").isFalse();
        }
    }

    @FuzzTest(maxDuration = "5m")
    void garbageKeysAndSignaturesAreRefusedWithoutThrowing(FuzzedDataProvider data) {
        byte[] key = data.consumeBytes(data.consumeInt(0, 40));
        byte[] signature = data.consumeBytes(data.consumeInt(0, 80));
        byte[] message = data.consumeRemainingAsBytes();
        assertThat(Ed25519.verify(key, message, signature)).isFalse();
    }
}
