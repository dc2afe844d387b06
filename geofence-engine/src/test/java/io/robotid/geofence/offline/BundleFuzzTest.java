package io.robotid.geofence.offline;

import io.robotid.evidence.verify.Rejected;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes what a robot does with an offline bundle it was handed: arbitrary bytes are read as a bundle
 * or refused as MALFORMED, never another exception; a signed bundle with any byte changed, or with
 * its signature changed, or under an unknown key id, is refused. A plain test run replays
 * {@code BundleFuzzTestInputs/}; see docs/testing.md, "Fuzzing".
 */
class BundleFuzzTest {
    private static final Signer SIGNER = new Signer("bundle-key");
    private static final byte[] BUNDLE = BundleCodec.write(new OfflineBundleTest().content(
            PermissionBundle.Region.box(51.95, 12.95, 52.25, 13.25)));
    private static final byte[] SIGNATURE = SIGNER.sign(BUNDLE);

    @FuzzTest(maxDuration = "5m")
    void anyBytesAreReadOrRefusedAsMalformed(FuzzedDataProvider data) {
        byte[] bytes = data.consumeRemainingAsBytes();
        try {
            PermissionBundle read = BundleCodec.read(bytes);
            assertThat(read).isNotNull();
        } catch (Rejected refused) {
            assertThat(refused.why()).isEqualTo(Rejected.Why.MALFORMED);
        }
    }

    @FuzzTest(maxDuration = "5m")
    void aChangedBundleIsRefused(FuzzedDataProvider data) throws Rejected {
        assertThat(OfflineBundle.open(BUNDLE, SIGNER.keyId, SIGNATURE, SIGNER.trusted(), OfflineBundleTest.ROBOT))
                .isNotNull();
        byte[] bundle = BUNDLE.clone();
        byte[] signature = SIGNATURE.clone();
        int mask = data.consumeInt(1, 255);
        switch (data.consumeInt(0, 3)) {
            case 0 -> bundle[data.consumeInt(0, bundle.length - 1)] ^= (byte) mask;
            case 1 -> signature[data.consumeInt(0, signature.length - 1)] ^= (byte) mask;
            case 2 -> bundle = java.util.Arrays.copyOf(bundle, data.consumeInt(0, bundle.length - 1));
            default -> {
                String keyId = data.consumeRemainingAsString();
                if (!keyId.equals(SIGNER.keyId)) {
                    assertThatThrownBy(() -> OfflineBundle.open(BUNDLE, keyId, SIGNATURE, SIGNER.trusted(), null))
                            .isInstanceOfSatisfying(Rejected.class,
                                    r -> assertThat(r.why()).isEqualTo(Rejected.Why.UNKNOWN_KEY));
                }
                return;
            }
        }
        byte[] changedBundle = bundle;
        byte[] changedSignature = signature;
        Map<String, byte[]> trusted = SIGNER.trusted();
        assertThatThrownBy(() -> OfflineBundle.open(changedBundle, SIGNER.keyId, changedSignature, trusted, null))
                .isInstanceOfSatisfying(Rejected.class,
                        r -> assertThat(r.why()).isEqualTo(Rejected.Why.BAD_SIGNATURE));
    }
}
