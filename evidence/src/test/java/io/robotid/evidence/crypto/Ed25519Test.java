package io.robotid.evidence.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** BouncyCastle's Ed25519 against the JDK's: the same keys give the same signatures, byte for byte. */
class Ed25519Test {

    @Test
    void signaturesAreByteIdenticalToTheJdksAndEachVerifiesTheOthers() throws Exception {
        Random random = new Random(20261206);
        for (int k = 0; k < 20; k++) {
            KeyPair jdk = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            Ed25519.SigningKey bc = Ed25519.fromPkcs8(jdk.getPrivate().getEncoded());
            assertThat(Ed25519.spki(bc.publicKey())).as("the public key derived by BouncyCastle is the JDK's")
                    .isEqualTo(jdk.getPublic().getEncoded());
            for (int m = 0; m < 10; m++) {
                byte[] message = new byte[random.nextInt(2000)];
                random.nextBytes(message);
                Signature signer = Signature.getInstance("Ed25519");
                signer.initSign(jdk.getPrivate());
                signer.update(message);
                byte[] jdkSignature = signer.sign();
                byte[] bcSignature = bc.sign(message);
                assertThat(bcSignature).isEqualTo(jdkSignature);
                assertThat(Ed25519.verify(bc.publicKey(), message, jdkSignature)).isTrue();
                Signature verifier = Signature.getInstance("Ed25519");
                verifier.initVerify(KeyFactory.getInstance("Ed25519")
                        .generatePublic(new X509EncodedKeySpec(Ed25519.spki(bc.publicKey()))));
                verifier.update(message);
                assertThat(verifier.verify(bcSignature)).isTrue();
            }
        }
    }

    @Test
    void keysWrittenByTheJdkAndByOpenSslFormatReadBackAndSignTheSame() throws Exception {
        KeyPair jdk = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        // the PEM files of earlier releases: the JDK's PKCS#8 and X.509 encodings
        Base64.Encoder mime = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
        String pem = "-----BEGIN PRIVATE KEY-----\n" + mime.encodeToString(jdk.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n-----BEGIN PUBLIC KEY-----\n" + mime.encodeToString(jdk.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
        Ed25519.SigningKey read = Ed25519.readPem(pem);
        assertThat(Ed25519.spki(read.publicKey())).isEqualTo(jdk.getPublic().getEncoded());
        Ed25519.SigningKey again = Ed25519.readPem(read.toPem());
        assertThat(again.sign("x".getBytes(StandardCharsets.UTF_8))).isEqualTo(read.sign("x".getBytes(StandardCharsets.UTF_8)));
        // a private key alone (openssl genpkey without -pubout) reads too
        assertThat(Ed25519.readPem(pem.substring(0, pem.indexOf("-----BEGIN PUBLIC KEY-----"))).keyId()).isEqualTo(read.keyId());
    }

    @Test
    void aPublicKeyOfAnotherPairAndGarbageAreRefused() throws Exception {
        String one = Ed25519.generate().toPem();
        String other = Ed25519.generate().toPem();
        String mixed = one.substring(0, one.indexOf("-----BEGIN PUBLIC KEY-----"))
                + other.substring(other.indexOf("-----BEGIN PUBLIC KEY-----"));
        assertThatThrownBy(() -> Ed25519.readPem(mixed)).hasMessageContaining("does not belong");
        assertThatThrownBy(() -> Ed25519.readPem("nothing")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Ed25519.fromPkcs8(new byte[] { 1, 2, 3 })).isInstanceOf(IllegalArgumentException.class);
        byte[] key = Ed25519.generate().publicKey();
        assertThat(Ed25519.verify(key, new byte[0], new byte[64])).isFalse();
        assertThat(Ed25519.verify(new byte[31], new byte[0], new byte[64])).isFalse();
        assertThat(Ed25519.verify(key, new byte[0], Arrays.copyOf(new byte[] { 1 }, 63))).isFalse();
        assertThat(Ed25519.verify(null, null, null)).isFalse();
    }
}
