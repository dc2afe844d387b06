package io.robotid.geofence.service;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.runtime.StartupEvent;
import io.robotid.kit.signing.SigningKeyRing;
import io.vertx.mutiny.sqlclient.Pool;

/** The keys that sign receipts and bundles (service-kit's key ring, configured from robotid.geofence.signing.*). */
@Singleton
public class GeofenceKeys extends SigningKeyRing {

    public GeofenceKeys(@ConfigProperty(name = "robotid.geofence.signing.keys-dir") Path directory,
            @ConfigProperty(name = "robotid.geofence.signing.generate-if-missing") boolean generateIfMissing,
            @ConfigProperty(name = "robotid.geofence.signing.active-key-id") Optional<String> activeKeyId,
            Pool database, Clock clock) {
        super("geofence receipts and bundles", directory, generateIfMissing, activeKeyId, database, clock);
    }

    void onStart(@Observes StartupEvent event) {
        start();
    }
}
