package io.robotid.geofence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.robotid.testkit.ServiceConfig;

/** The shipped application.properties against the service's typed settings, as Quarkus maps them at start. */
class GeofenceConfigTest {
    @Test
    void theShippedFileMapsWithItsDefaultsAndTheEnvironmentOverridesThem() {
        GeofenceConfig config = ServiceConfig.load(GeofenceConfig.class, "prod", Map.of());
        assertThat(config.signing().keysDir()).isEqualTo(Path.of(".robotid/keys/geofence"));
        assertThat(config.signing().generateIfMissing()).isTrue();
        assertThat(config.signing().activeKeyId()).isEmpty();
        assertThat(config.policyPoll()).isEqualTo(Duration.ofMillis(200));
        assertThat(config.maxCacheFor()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.bundle().defaultValidity()).isEqualTo(Duration.ofHours(1));
        assertThat(config.bundle().maxValidity()).isEqualTo(Duration.ofHours(24));
        assertThat(config.bundle().fallbackSpeed()).isEqualTo(0.5);
        assertThat(config.denials().queueLimit()).isEqualTo(100_000);
        assertThat(config.feeds().enabled()).isTrue();
        assertThat(config.filingDeadline()).isEqualTo(Duration.ofSeconds(3));

        assertThat(ServiceConfig.load(GeofenceConfig.class, "test", Map.of()).signing().keysDir())
                .isEqualTo(Path.of("target/test-keys"));
        GeofenceConfig set = ServiceConfig.load(GeofenceConfig.class, "prod",
                Map.of("ROBOTID_GEOFENCE_SIGNING_ACTIVE_KEY_ID", "k2", "ROBOTID_FEEDS_ENABLED", "false"));
        assertThat(set.signing().activeKeyId()).contains("k2");
        assertThat(set.feeds().enabled()).isFalse();
    }

    @Test
    void aMisspelledSettingFailsTheStartNamingIt() {
        assertThatThrownBy(() -> ServiceConfig.load(GeofenceConfig.class, "prod",
                Map.of("robotid.geofence.bundle.max-validty", "2h")))
                .hasMessageContaining("robotid.geofence.bundle.max-validty");
    }
}
