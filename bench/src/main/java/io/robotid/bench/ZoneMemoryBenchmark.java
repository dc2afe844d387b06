package io.robotid.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.robotid.geofence.engine.Zone;
import io.robotid.geofence.engine.ZoneIndex;

/**
 * What geofence-engine holds in the heap per zone, for the benchmark's zones ({@link GeofenceZones}): the
 * zones as parsed (JTS geometries) and the index built over them ({@code ZoneIndex}), each measured as the
 * live heap after full collections. geofence-service holds one index, and two while a refresh builds the next
 * beside the one in use.
 *
 * <p>{@code java -jar bench/target/quarkus-app/quarkus-run.jar zone-memory --zones 100000}
 */
final class ZoneMemoryBenchmark {
    private ZoneMemoryBenchmark() {
    }

    static int run(Map<String, String> options) {
        int zones = Integer.parseInt(options.getOrDefault("zones", "100000"));
        List<GeofenceZones.Spec> specs = GeofenceZones.generate(zones);
        long before = liveHeap();
        List<Zone> parsed = new ArrayList<>(zones);
        for (GeofenceZones.Spec s : specs) {
            parsed.add(s.engineZone("zone-" + s.index()));
        }
        long afterZones = liveHeap();
        ZoneIndex index = ZoneIndex.buildValidated(1, parsed, List.of());
        long afterIndex = liveHeap();
        double zonesMb = (afterZones - before) / 1e6, indexMb = (afterIndex - afterZones) / 1e6;
        System.out.printf("geofence-engine heap for %,d zones (the benchmark's shapes):%n", index.size());
        System.out.printf("  zones as parsed (JTS geometries)    %,8.1f MB  %,6.0f B/zone%n", zonesMb, 1e6 * zonesMb / zones);
        System.out.printf("  index built over them               %,8.1f MB  %,6.0f B/zone%n", indexMb, 1e6 * indexMb / zones);
        System.out.printf("  one policy (zones + index)          %,8.1f MB%n", zonesMb + indexMb);
        System.out.printf("  during a refresh (zones + 2 indexes) %,7.1f MB%n", zonesMb + 2 * indexMb);
        return parsed.size() == zones ? 0 : 1;
    }

    /** The heap in use after full collections (the benchmark runs alone in its JVM). */
    private static long liveHeap() {
        Runtime r = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            used = Math.min(used, r.totalMemory() - r.freeMemory());
        }
        return used;
    }
}
