package io.robotid.bench;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import io.robotid.evidence.crypto.Ed25519;

/**
 * Ed25519 sign and verify on one thread (= one core): the JDK's SunEC ({@code java.security.Signature}
 * "Ed25519") against BouncyCastle's {@code rfc8032.Ed25519} through {@link Ed25519}, the one implementation
 * the services sign and verify with. Same key, same message (a receipt-sized 200 bytes); the setup checks
 * that both produce the same signature (Ed25519 is deterministic) and that each verifies the other's.
 *
 * <p>Run by bench/hotpaths.sh: {@code java -cp 'bench/target/quarkus-app/app/*:bench/target/quarkus-app/lib/main/*'
 * org.openjdk.jmh.Main Ed25519Benchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
public class Ed25519Benchmark {
    private byte[] message;
    private Ed25519.SigningKey bcKey;
    private byte[] publicKey;
    private KeyPair jdkKeys;
    private Signature jdkSigner;
    private Signature jdkVerifier;
    private byte[] signature;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        message = new byte[200];
        byte[] text = "robotid-receipt-v2\nCN00010000B126010000000000018\n52.5000000,13.5000000\ndelivery\nALLOW\n"
                .getBytes(StandardCharsets.UTF_8);
        System.arraycopy(text, 0, message, 0, text.length);
        for (int i = text.length; i < message.length; i++) {
            message[i] = (byte) i;
        }
        bcKey = Ed25519.generate();
        publicKey = bcKey.publicKey();
        // the same key for the JDK, from its PKCS#8 encoding
        java.security.KeyFactory factory = java.security.KeyFactory.getInstance("Ed25519");
        jdkKeys = new KeyPair(factory.generatePublic(new java.security.spec.X509EncodedKeySpec(Ed25519.spki(publicKey))),
                factory.generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(bcKey.pkcs8())));
        jdkSigner = Signature.getInstance("Ed25519");
        jdkVerifier = Signature.getInstance("Ed25519");
        signature = bcKey.sign(message);
        byte[] jdk = jdkSign();
        if (!Arrays.equals(signature, jdk)) {
            throw new IllegalStateException("BouncyCastle and the JDK sign the same message with the same key differently");
        }
        if (!jdkVerify() || !bcVerify()) {
            throw new IllegalStateException("a signature does not verify");
        }
    }

    @Benchmark
    public byte[] jdkSign() throws Exception {
        jdkSigner.initSign(jdkKeys.getPrivate());
        jdkSigner.update(message);
        return jdkSigner.sign();
    }

    @Benchmark
    public boolean jdkVerify() throws Exception {
        jdkVerifier.initVerify(jdkKeys.getPublic());
        jdkVerifier.update(message);
        return jdkVerifier.verify(signature);
    }

    @Benchmark
    public byte[] bcSign() {
        return bcKey.sign(message);
    }

    @Benchmark
    public boolean bcVerify() {
        return Ed25519.verify(publicKey, message, signature);
    }
}
