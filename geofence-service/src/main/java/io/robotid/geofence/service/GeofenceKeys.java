package io.robotid.geofence.service;

import java.time.Clock;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import io.quarkus.runtime.StartupEvent;
import io.robotid.geofence.GeofenceConfig;
import io.robotid.kit.signing.SigningKeyRing;
import io.vertx.mutiny.sqlclient.Pool;

/** The keys that sign receipts and bundles (service-kit's key ring, configured from robotid.geofence.signing.*). */
@Singleton
public class GeofenceKeys extends SigningKeyRing {

    public GeofenceKeys(GeofenceConfig config, Pool database, Clock clock) {
        super("geofence receipts and bundles", config.signing(), database, clock);
    }

    void onStart(@Observes StartupEvent event) {
        start();
    }
}
