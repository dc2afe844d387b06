package io.robotid.certification;

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
                "io.robotid.certification.domain.EffectiveCertifications",
                "io.robotid.certification.service.BodyService",
                "io.robotid.certification.service.CertificateService",
                "io.robotid.certification.service.EffectiveService",
                "io.robotid.certification.service.TestResultRecorder",
                "io.robotid.certification.service.TestResultService");

    @Test
    void layersHold() {
        Layering.check("io.robotid.certification", STILL_USING_WIRE_TYPES);
    }
}
