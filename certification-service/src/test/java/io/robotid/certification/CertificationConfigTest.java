package io.robotid.certification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.robotid.testkit.ServiceConfig;

/** The shipped application.properties against the service's typed settings, as Quarkus maps them at start. */
class CertificationConfigTest {
    @Test
    void theShippedFileMapsWithItsDefaultsAndTheEnvironmentOverridesThem() {
        CertificationConfig config = ServiceConfig.load(CertificationConfig.class, "prod", Map.of());
        assertThat(config.identityDeadline()).isEqualTo(Duration.ofSeconds(3));
        assertThat(config.filingDeadline()).isEqualTo(Duration.ofSeconds(3));
        assertThat(config.lifecycleFeed().enabled()).isTrue();
        assertThat(config.lifecycleFeed().firstRetry()).isEqualTo(Duration.ofMillis(500));
        assertThat(config.lifecycleFeed().maxRetry()).isEqualTo(Duration.ofSeconds(30));

        CertificationConfig set = ServiceConfig.load(CertificationConfig.class, "prod",
                Map.of("ROBOTID_LIFECYCLE_FEED_ENABLED", "false", "ROBOTID_LIFECYCLE_FEED_MAX_RETRY", "2m"));
        assertThat(set.lifecycleFeed().enabled()).isFalse();
        assertThat(set.lifecycleFeed().maxRetry()).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void aMisspelledSettingFailsTheStartNamingIt() {
        assertThatThrownBy(() -> ServiceConfig.load(CertificationConfig.class, "prod",
                Map.of("robotid.certification.lifecycle-feed.enable", "false")))
                .hasMessageContaining("robotid.certification.lifecycle-feed.enable");
    }
}
