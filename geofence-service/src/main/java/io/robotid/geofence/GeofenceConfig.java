package io.robotid.geofence;

import java.time.Duration;

import io.robotid.kit.feed.FollowerConfig;
import io.robotid.kit.signing.SigningKeysConfig;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** geofence-service's own settings ({@code robotid.geofence.*}); docs/conventions.md, "Configuration". */
@ConfigMapping(prefix = "robotid.geofence")
public interface GeofenceConfig {
    /** The keys that sign receipts and bundles. */
    SigningKeysConfig signing();

    /** How often each replica looks for policy changes made through another one. */
    @WithDefault("200ms")
    Duration policyPoll();

    /** The longest a robot may cache an ALLOW (a receipt's cache_for never exceeds it). */
    @WithDefault("60s")
    Duration maxCacheFor();

    /** Offline permission bundles. */
    Bundle bundle();

    /** The denial audit. */
    Denials denials();

    /** The followers of lifecycle-service's and certification-service's feeds. */
    FollowerConfig feeds();

    /** How long a question to filing-service (a model's intelligence level) may take. */
    @WithDefault("3s")
    Duration filingDeadline();

    interface Bundle {
        /** A bundle's validity when the request names none. */
        @WithDefault("1h")
        Duration defaultValidity();

        /** The longest validity a request may ask for. */
        @WithDefault("24h")
        Duration maxValidity();

        /** The speed (m/s) a robot may keep outside every zone it holds while offline. */
        @WithDefault("0.5")
        double fallbackSpeed();
    }

    interface Denials {
        /** Denials waiting to be written beyond which new ones are dropped (and counted, and said). */
        @WithDefault("100000")
        int queueLimit();
    }
}
