package io.robotid.identity.service;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.sqlclient.Pool;

/** The identity certificates' signing keys (service-kit's key ring, configured from robotid.identity.signing.*). */
@Singleton
public class SigningKeyRing extends io.robotid.kit.signing.SigningKeyRing {

    public SigningKeyRing(@ConfigProperty(name = "robotid.identity.signing.keys-dir") Path directory,
            @ConfigProperty(name = "robotid.identity.signing.generate-if-missing") boolean generateIfMissing,
            @ConfigProperty(name = "robotid.identity.signing.active-key-id") Optional<String> activeKeyId,
            Pool database, Clock clock) {
        super("identity certificates", directory, generateIfMissing, activeKeyId, database, clock);
    }

    void onStart(@Observes StartupEvent event) {
        start();
    }
}
