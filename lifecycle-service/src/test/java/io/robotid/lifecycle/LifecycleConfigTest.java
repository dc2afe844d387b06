package io.robotid.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.robotid.testkit.ServiceConfig;

/** The shipped application.properties against the service's typed settings, as Quarkus maps them at start. */
class LifecycleConfigTest {
    @Test
    void theShippedFileMapsWithItsDefaultsAndTheEnvironmentOverridesThem() {
        LifecycleConfig config = ServiceConfig.load(LifecycleConfig.class, "prod", Map.of());
        assertThat(config.identityDeadline()).isEqualTo(Duration.ofSeconds(3));
        assertThat(config.filingDeadline()).isEqualTo(Duration.ofSeconds(3));
        assertThat(config.maintenance().batteryHealthBelow()).isEqualTo(70);
        assertThat(config.maintenance().jointWearAbove()).isEqualTo(80);

        LifecycleConfig set = ServiceConfig.load(LifecycleConfig.class, "prod",
                Map.of("ROBOTID_IDENTITY_DEADLINE", "750ms", "ROBOTID_MAINTENANCE_BATTERY_BELOW", "55"));
        assertThat(set.identityDeadline()).isEqualTo(Duration.ofMillis(750));
        assertThat(set.maintenance().batteryHealthBelow()).isEqualTo(55);
    }

    @Test
    void aMisspelledSettingFailsTheStartNamingIt() {
        assertThatThrownBy(() -> ServiceConfig.load(LifecycleConfig.class, "prod",
                Map.of("robotid.lifecycle.identity-dedline", "1s")))
                .hasMessageContaining("robotid.lifecycle.identity-dedline");
        assertThatThrownBy(() -> ServiceConfig.load(LifecycleConfig.class, "prod",
                Map.of("robotid.lifecycle.filing-deadline", "soon")))
                .hasMessageContaining("robotid.lifecycle.filing-deadline");
    }
}
