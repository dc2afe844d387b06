package io.robotid.identity.service;

import io.robotid.evidence.format.IdentityCertificates;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import io.robotid.evidence.crypto.Ed25519;

/**
 * Fuzzes the ID certificate as presented (QR codes, VerifyIdentity): any text parses or is refused
 * without an exception; a parsed one prints back to the same certificate; a real certificate with a
 * changed robot ID, model or issue time does not verify. A plain test run replays
 * {@code IdentityCertificateFuzzTestInputs/}; see docs/testing.md, "Fuzzing".
 */
class IdentityCertificateFuzzTest {
    private static final Ed25519.SigningKey KEY = Ed25519.generate();

    @FuzzTest(maxDuration = "5m")
    void anyTextIsACertificateOrRefused(FuzzedDataProvider data) {
        String text = data.consumeRemainingAsString();
        Optional<IdentityCertificates.Presented> parsed = IdentityCertificates.parse(text);
        if (parsed.isEmpty()) {
            return;
        }
        IdentityCertificates.Presented p = parsed.get();
        assertThat(p.signature()).hasSize(64);
        assertThat(p.keyId()).matches("[A-Za-z0-9_-]{1,64}");
        IdentityCertificates.Presented again = IdentityCertificates.parse(
                IdentityCertificates.text(p.keyId(), p.issuedAt(), p.signature())).orElseThrow();
        assertThat(again.keyId()).isEqualTo(p.keyId());
        assertThat(again.issuedAt()).isEqualTo(p.issuedAt());
        assertThat(again.signature()).isEqualTo(p.signature());
    }

    @FuzzTest(maxDuration = "5m")
    void aCertificateForOtherFactsDoesNotVerify(FuzzedDataProvider data) {
        Instant issued = Instant.ofEpochMilli(data.consumeLong(0, 4_102_444_800_000L));
        String robot = "DE00010000012601000000000001G";
        byte[] signature = KEY.sign(IdentityCertificates.signedBytes(robot, "0001", "000001", issued));
        byte[] key = KEY.publicKey();
        assertThat(Ed25519.verify(key, IdentityCertificates.signedBytes(robot, "0001", "000001", issued), signature)).isTrue();
        String otherRobot = data.consumeString(40);
        String otherModel = data.consumeString(8);
        Instant otherTime = issued.plusMillis(data.consumeLong(1, 1_000_000));
        if (!otherRobot.equals(robot)) {
            assertThat(Ed25519.verify(key, IdentityCertificates.signedBytes(otherRobot, "0001", "000001", issued), signature))
                    .as("another robot").isFalse();
        }
        if (!otherModel.equals("000001")) {
            assertThat(Ed25519.verify(key, IdentityCertificates.signedBytes(robot, "0001", otherModel, issued), signature))
                    .as("another model").isFalse();
        }
        assertThat(Ed25519.verify(key, IdentityCertificates.signedBytes(robot, "0001", "000001", otherTime), signature))
                .as("another issue time").isFalse();
    }
}
