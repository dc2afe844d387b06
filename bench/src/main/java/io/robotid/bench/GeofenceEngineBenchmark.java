package io.robotid.bench;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

import io.robotid.geofence.engine.CertifiedTier;
import io.robotid.geofence.engine.CheckRequest;
import io.robotid.geofence.engine.Decision;
import io.robotid.geofence.engine.GeofenceEngine;
import io.robotid.geofence.engine.IntelligenceLevel;
import io.robotid.geofence.engine.RobotProjection;
import io.robotid.geofence.engine.RobotStatus;
import io.robotid.geofence.engine.Tier;
import io.robotid.geofence.engine.Zone;
import io.robotid.geofence.engine.ZoneIndex;

/**
 * geofence-engine alone, one thread (= one core), with the benchmark's 100,000 zones
 * ({@link GeofenceZones}, the same ones bench/geofence.sh loads into geofence-service and PostGIS), deciding
 * for the next of 65,536 positions each call: {@code unknownRobot} is what the service decides in the
 * benchmark (a robot the registry does not know: DENY with ROBOT_UNKNOWN, plus every zone reason of the
 * place, so every zone lookup still runs); {@code certifiedRobot} a robot in service with every tier.
 *
 * <p>Run by bench/geofence.sh: {@code java -cp 'bench/target/quarkus-app/app/*:bench/target/quarkus-app/lib/main/*'
 * org.openjdk.jmh.Main GeofenceEngineBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = { "-Xms2g", "-Xmx2g" })
@Threads(1)
public class GeofenceEngineBenchmark {
    static final int POINTS = 1 << 16;

    @Param("100000")
    public int zones;

    private ZoneIndex index;
    private GeofenceEngine engine;
    private CheckRequest[] unknown;
    private CheckRequest[] certified;
    private int next;

    // decisions per CPU-second of the benchmark thread, per measured iteration (see cpuStart / cpuEnd)
    private long ops;
    private long opsAtStart;
    private long cpuAtStart;
    private long measuredOps;
    private long measuredCpuNanos;

    @Setup(Level.Trial)
    public void setUp() {
        List<Zone> list = new ArrayList<>(zones);
        for (GeofenceZones.Spec spec : GeofenceZones.generate(zones)) {
            list.add(spec.engineZone("zone-" + spec.index()));
        }
        index = ZoneIndex.build(1, list, List.of());
        engine = new GeofenceEngine();
        String robotId = robotId();
        Map<Tier, CertifiedTier> tiers = new EnumMap<>(Tier.class);
        for (Tier t : Tier.values()) {
            tiers.put(t, CertifiedTier.of(t));
        }
        RobotProjection known = new RobotProjection(robotId, true, RobotStatus.IN_SERVICE, false, 0, tiers, IntelligenceLevel.L2,
                "op-1");
        RobotProjection stranger = RobotProjection.unknown(robotId);
        double[][] points = GeofenceZones.points(POINTS);
        unknown = new CheckRequest[POINTS];
        certified = new CheckRequest[POINTS];
        for (int i = 0; i < POINTS; i++) {
            unknown[i] = CheckRequest.outdoor(stranger, points[i][0], points[i][1], GeofenceZones.TASK, GeofenceZones.AT);
            certified[i] = CheckRequest.outdoor(known, points[i][0], points[i][1], GeofenceZones.TASK, GeofenceZones.AT);
        }
    }

    /** The robot ID every check of the benchmark names (valid syntax and check character; unknown to the registry). */
    static String robotId() {
        return io.robotid.kit.id.RobotId.compose("CN", "0001", "0000B1", 26, "01", 1).canonical();
    }

    /**
     * The machine this runs on is shared: wall-clock throughput drops when other processes take the core.
     * These fixtures (run by the benchmark thread itself) also count decisions per second of that thread's
     * CPU time, and append the figure to the file named by {@code -Dgeofence.cpu-file} at the end.
     */
    @Setup(Level.Iteration)
    public void cpuStart() {
        opsAtStart = ops;
        cpuAtStart = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    @TearDown(Level.Iteration)
    public void cpuEnd(IterationParams iteration) {
        long cpu = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpuAtStart;
        if (iteration.getType() == IterationType.MEASUREMENT) {
            measuredOps += ops - opsAtStart;
            measuredCpuNanos += cpu;
        }
    }

    @TearDown(Level.Trial)
    public void cpuReport(BenchmarkParams benchmark) throws java.io.IOException {
        String file = System.getProperty("geofence.cpu-file");
        if (file != null && measuredCpuNanos > 0) {
            String name = benchmark.getBenchmark().substring(benchmark.getBenchmark().lastIndexOf('.') + 1);
            java.nio.file.Files.writeString(java.nio.file.Path.of(file), name + " " + (measuredOps / (measuredCpuNanos / 1e9)) + "\n",
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        }
    }

    @Benchmark
    public Decision unknownRobot() {
        ops++;
        CheckRequest r = unknown[next];
        next = (next + 1) & (POINTS - 1);
        return engine.decide(index, r);
    }

    @Benchmark
    public Decision certifiedRobot() {
        ops++;
        CheckRequest r = certified[next];
        next = (next + 1) & (POINTS - 1);
        return engine.decide(index, r);
    }
}
