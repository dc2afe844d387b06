package io.robotid.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.runtime.configuration.PathConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * A service's {@code application.properties} (from the classpath) mapped onto one of its
 * {@code @ConfigMapping} interfaces the way Quarkus maps it at start: profile sections applied, expressions
 * expanded, and a property under the mapping's prefix that the interface does not declare refused (a
 * misspelled setting fails the start instead of being ignored). Lets a unit test check the shipped file
 * and the defaults without starting the service.
 */
public final class ServiceConfig {
    private ServiceConfig() {
    }

    /**
     * @param profile    "prod" for what a deployment gets, "test" for the test profile
     * @param overrides  properties set on top, as environment or system properties would be
     */
    public static <T> T load(Class<T> mapping, String profile, Map<String, String> overrides) {
        URL file = Thread.currentThread().getContextClassLoader().getResource("application.properties");
        if (file == null) {
            throw new IllegalStateException("no application.properties on the classpath");
        }
        try {
            SmallRyeConfig config = new SmallRyeConfigBuilder().withProfile(profile)
                    // Quarkus's own converters: "3s" durations (plain SmallRye reads only ISO "PT3S"), paths
                    .withConverter(Duration.class, 200, new DurationConverter())
                    .withConverter(Path.class, 200, new PathConverter())
                    .withSources(new PropertiesConfigSource(file, 250))
                    .withSources(new PropertiesConfigSource(overrides, "overrides", 400))
                    .withMapping(mapping).withValidateUnknown(true).build();
            return config.getConfigMapping(mapping);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
