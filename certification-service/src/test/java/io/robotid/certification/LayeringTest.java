package io.robotid.certification;

import org.junit.jupiter.api.Test;

import io.robotid.testkit.Layering;

/** The layering rules of the conventions (test-kit's {@link Layering}) over this service's main classes. */
class LayeringTest {
    @Test
    void layersHold() {
        Layering.check("io.robotid.certification");
    }
}
