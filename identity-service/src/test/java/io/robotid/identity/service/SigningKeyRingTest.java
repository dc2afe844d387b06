package io.robotid.identity.service;

import io.robotid.evidence.format.IdentityCertificates;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.robotid.evidence.crypto.Ed25519;

/** Key files, generation on first start, rotation: without a database (publishing is tested end to end). */
class SigningKeyRingTest {

    @TempDir
    Path dir;

    private SigningKeyRing ring(boolean generate, String activeKeyId) {
        return new SigningKeyRing(dir, generate, Optional.ofNullable(activeKeyId), null, Clock.systemUTC());
    }

    @Test
    void generatesAKeyOnFirstStartAndKeepsIt() throws Exception {
        SigningKeyRing first = ring(true, null);
        first.load();
        assertThat(Files.list(dir)).hasSize(1);
        SigningKeyRing again = ring(true, null);
        again.load();
        assertThat(again.active().keyId()).isEqualTo(first.active().keyId());
        assertThat(Files.list(dir)).hasSize(1);
    }

    @Test
    void refusesToStartWithoutKeysWhenGenerationIsOff() {
        assertThatThrownBy(() -> ring(false, null).load()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no signing key");
    }

    @Test
    void theNewestKeySignsAndOlderKeysStayAvailable() throws Exception {
        Ed25519.SigningKey old = Ed25519.generate();
        Ed25519.SigningKey current = Ed25519.generate();
        Files.writeString(dir.resolve("20260101T000000Z-old.pem"), old.toPem());
        Files.writeString(dir.resolve("20261101T000000Z-new.pem"), current.toPem());
        SigningKeyRing ring = ring(false, null);
        ring.load();
        String oldId = old.keyId();
        assertThat(ring.active().keyId()).isEqualTo(current.keyId());
        assertThat(ring.privateKey(oldId)).isPresent();

        SigningKeyRing pinned = ring(false, oldId);
        pinned.load();
        assertThat(pinned.active().keyId()).isEqualTo(oldId);
        assertThatThrownBy(() -> ring(false, "nope").load()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void certificatesRoundTripThroughTheirTextForm() {
        Ed25519.SigningKey pair = Ed25519.generate();
        Instant issuedAt = Instant.parse("2026-11-25T10:15:30.123Z");
        byte[] signed = IdentityCertificates.signedBytes("CNA1B2C3D4E526BJ000000000001G", "A1B2", "C3D4E5", issuedAt);
        byte[] signature = pair.sign(signed);
        String text = IdentityCertificates.text("kid123", issuedAt, signature);
        IdentityCertificates.Presented parsed = IdentityCertificates.parse(text).orElseThrow();
        assertThat(parsed.keyId()).isEqualTo("kid123");
        assertThat(parsed.issuedAt()).isEqualTo(issuedAt);
        assertThat(Ed25519.verify(pair.publicKey(), signed, parsed.signature())).isTrue();
        assertThat(pair.sign(signed)).as("Ed25519 is deterministic").isEqualTo(signature);
        assertThat(IdentityCertificates.parse("kid.notanumber.sig")).isEmpty();
        assertThat(IdentityCertificates.parse(text + "x")).isEmpty();
    }
}
