package io.robotid.identity.service;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.sqlclient.Pool;
import io.robotid.identity.IdentityConfig;

/** The identity certificates' signing keys (service-kit's key ring, configured from robotid.identity.signing.*). */
@Singleton
public class SigningKeyRing extends io.robotid.kit.signing.SigningKeyRing {

    @jakarta.inject.Inject
    public SigningKeyRing(IdentityConfig config, Pool database, Clock clock) {
        super("identity certificates", config.signing(), database, clock);
    }

    /** A ring over a directory of its own (tests). */
    public SigningKeyRing(Path directory, boolean generateIfMissing, Optional<String> activeKeyId, Pool database, Clock clock) {
        super("identity certificates", directory, generateIfMissing, activeKeyId, database, clock);
    }

    void onStart(@Observes StartupEvent event) {
        start();
    }
}
