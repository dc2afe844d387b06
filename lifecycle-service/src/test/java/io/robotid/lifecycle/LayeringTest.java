package io.robotid.lifecycle;

import org.junit.jupiter.api.Test;

import io.robotid.testkit.Layering;

/** The layering rules of the conventions (test-kit's {@link Layering}) over this service's main classes. */
class LayeringTest {
    /** No class below grpc/ takes gRPC request / response messages (issue "One way to do each thing", item 3). */
    @Test
    void layersHold() {
        Layering.check("io.robotid.lifecycle");
    }
}
