package io.robotid.kit.signing;

import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * {@code robotid_signing_key_age_seconds{purpose}}: how long each key ring's active key has signed. The
 * registry's keys carry no expiry of their own; the operator's rotation period is their expiry, and the
 * chart's alert fires when a key nears it (docs/kubernetes.md, "Rotating signing keys").
 */
@Singleton
public class SigningKeyMetrics implements MeterBinder {
    private final Instance<SigningKeyRing> rings;

    public SigningKeyMetrics(@Any Instance<SigningKeyRing> rings) {
        this.rings = rings;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (SigningKeyRing ring : rings) {
            Gauge.builder("robotid.signing.key.age", ring, SigningKeyRing::activeKeyAgeSeconds).baseUnit("seconds")
                    .tag("purpose", ring.purpose()).description("How long the active signing key has signed")
                    .register(registry);
        }
    }
}
