package io.robotid.lifecycle;

import java.util.Set;

import org.junit.jupiter.api.Test;

import io.robotid.testkit.Layering;

/** The layering rules of the conventions (test-kit's {@link Layering}) over this service's main classes. */
class LayeringTest {
    /**
     * Classes that still take gRPC request / response messages below grpc/ (issue "One way to do each
     * thing", item 3): the list only shrinks, and a class taken off it may not use them again.
     */
    private static final Set<String> STILL_USING_WIRE_TYPES = Set.of(
                "io.robotid.lifecycle.service.LifecycleRecorder",
                "io.robotid.lifecycle.service.RecallService");

    @Test
    void layersHold() {
        Layering.check("io.robotid.lifecycle", STILL_USING_WIRE_TYPES);
    }
}
