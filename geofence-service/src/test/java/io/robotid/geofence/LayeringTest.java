package io.robotid.geofence;

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
                "io.robotid.geofence.service.Bundles",
                "io.robotid.geofence.service.DenialLog",
                "io.robotid.geofence.service.GeofenceViews",
                "io.robotid.geofence.service.PermissionChecks",
                "io.robotid.geofence.service.PermissionWatch",
                "io.robotid.geofence.service.PolicyStore",
                "io.robotid.geofence.service.Projections",
                "io.robotid.geofence.service.ZoneService");

    @Test
    void layersHold() {
        Layering.check("io.robotid.geofence", STILL_USING_WIRE_TYPES);
    }
}
