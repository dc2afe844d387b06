package io.robotid.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.robotid.testkit.ServiceConfig;

/** The shipped application.properties against the service's typed settings, as Quarkus maps them at start. */
class IdentityConfigTest {
    @Test
    void theShippedFileMapsWithItsDefaults() {
        IdentityConfig identity = ServiceConfig.load(IdentityConfig.class, "prod", Map.of());
        assertThat(identity.filingDeadline()).isEqualTo(Duration.ofSeconds(3));
        assertThat(identity.signing().keysDir()).isEqualTo(Path.of(".robotid/keys/identity"));
        assertThat(identity.signing().activeKeyId()).isEmpty();
        assertThat(identity.lifecycleFeed().enabled()).isTrue();
        assertThat(ServiceConfig.load(IdentityConfig.class, "test", Map.of()).lifecycleFeed().enabled()).isFalse();

        ResolverConfig resolver = ServiceConfig.load(ResolverConfig.class, "prod", Map.of());
        assertThat(resolver.publicBaseUrl()).isEqualTo("http://127.0.0.1:8101");
        assertThat(resolver.lifecycleDeadline()).isEqualTo(Duration.ofSeconds(2));
        assertThat(resolver.certificationDeadline()).isEqualTo(Duration.ofSeconds(2));
        assertThat(resolver.report().rateLimit()).isEqualTo(5);
        assertThat(resolver.report().rateWindow()).isEqualTo(Duration.ofMinutes(10));
        assertThat(resolver.history().publicCache()).isEqualTo(Duration.ofSeconds(5));

        ResolverConfig tests = ServiceConfig.load(ResolverConfig.class, "test", Map.of());
        assertThat(tests.publicBaseUrl()).isEqualTo("https://robots.example.org");
        assertThat(tests.report().rateWindow()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void aMisspelledSettingFailsTheStartNamingIt() {
        assertThatThrownBy(() -> ServiceConfig.load(ResolverConfig.class, "prod",
                Map.of("robotid.resolver.report.rate-limt", "9")))
                .hasMessageContaining("robotid.resolver.report.rate-limt");
        assertThatThrownBy(() -> ServiceConfig.load(IdentityConfig.class, "prod",
                Map.of("robotid.identity.signing.keys-dirs", "/keys")))
                .hasMessageContaining("robotid.identity.signing.keys-dirs");
    }
}
