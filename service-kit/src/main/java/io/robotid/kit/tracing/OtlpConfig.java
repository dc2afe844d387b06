package io.robotid.kit.tracing;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/** Where spans are exported ({@code robotid.otlp.*}, env {@code ROBOTID_OTLP_ENDPOINT}). */
@ConfigMapping(prefix = "robotid.otlp")
public interface OtlpConfig {
    /** An OTLP/HTTP traces endpoint, e.g. {@code http://collector:4318/v1/traces}; unset: spans are not exported. */
    Optional<String> endpoint();

    /** The endpoint spans are exported to, trimmed; empty when none is set (spans go nowhere). */
    default Optional<String> url() {
        return endpoint().map(String::trim).filter(url -> !url.isEmpty());
    }
}
