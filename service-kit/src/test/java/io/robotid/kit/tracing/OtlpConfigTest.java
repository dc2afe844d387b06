package io.robotid.kit.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;

import org.junit.jupiter.api.Test;

/** Whether spans go anywhere is decided once, here, for the exporter and the sampler alike. */
class OtlpConfigTest {
    private static OtlpConfig endpoint(String value) {
        return () -> Optional.ofNullable(value);
    }

    @Test
    void anUnsetOrBlankEndpointMeansSpansGoNowhereAndASetOneIsTrimmed() {
        assertThat(endpoint(null).url()).isEmpty();
        assertThat(endpoint("").url()).isEmpty();
        assertThat(endpoint("   ").url()).isEmpty();
        assertThat(endpoint(" http://collector:4318/v1/traces ").url()).contains("http://collector:4318/v1/traces");
    }
}
