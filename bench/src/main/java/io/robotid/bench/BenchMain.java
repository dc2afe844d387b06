package io.robotid.bench;

import java.util.LinkedHashMap;
import java.util.Map;

import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * {@code java -jar bench/target/quarkus-app/quarkus-run.jar issuance|lifecycle|lifecycle-scale|geofence|hotpaths|hotpaths-summary|grpc-bodies|zone-memory
 * [--option value ...]}.
 */
@QuarkusMain
public class BenchMain implements QuarkusApplication {

    @Override
    public int run(String... args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: issuance|lifecycle|lifecycle-scale|geofence|hotpaths|hotpaths-summary|grpc-bodies|zone-memory [--option value ...]");
            return 2;
        }
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 1; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        return switch (args[0]) {
            case "issuance" -> new IssuanceBenchmark().run(options);
            case "lifecycle" -> new LifecycleBenchmark().run(options);
            case "lifecycle-scale" -> new LifecycleScaleBenchmark(options).run(options);
            case "tlog" -> new TlogBenchmark().run(options);
            case "geofence" -> new GeofenceBenchmark(options).run();
            case "hotpaths" -> new HotPathsBenchmark(options).run();
            case "hotpaths-summary" -> HotPathsBenchmark.summary(options);
            case "grpc-bodies" -> GrpcBodies.main(options);
            case "zone-memory" -> ZoneMemoryBenchmark.run(options);
            default -> {
                System.err.println("unknown benchmark " + args[0]);
                yield 2;
            }
        };
    }
}
