package io.robotid.kit.tracing;

import java.util.List;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Which server spans are recorded on the hot paths ({@code robotid.tracing.*}); docs/conventions.md. */
@ConfigMapping(prefix = "robotid.tracing")
public interface TracingConfig {
    /** The gRPC methods whose server spans are recorded only when sampled (the check path). */
    @WithDefault("robotid.geofence.v1.GeofenceService/CheckPermission,robotid.geofence.v1.GeofenceService/StreamChecks,"
            + "robotid.geofence.v1.GeofenceService/Echo")
    List<String> hotPaths();

    /** The share of hot-path calls starting a trace whose spans are recorded. */
    @WithDefault("0.01")
    double hotPathRatio();
}
