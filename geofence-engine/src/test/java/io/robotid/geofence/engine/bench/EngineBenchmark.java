package io.robotid.geofence.engine.bench;

import io.robotid.geofence.engine.CertifiedTier;
import io.robotid.geofence.engine.CheckRequest;
import io.robotid.geofence.engine.Decision;
import io.robotid.geofence.engine.GeoJson;
import io.robotid.geofence.engine.GeofenceEngine;
import io.robotid.geofence.engine.Grant;
import io.robotid.geofence.engine.IntelligenceLevel;
import io.robotid.geofence.engine.RobotProjection;
import io.robotid.geofence.engine.RobotStatus;
import io.robotid.geofence.engine.Tier;
import io.robotid.geofence.engine.Zone;
import io.robotid.geofence.engine.ZoneConditions;
import io.robotid.geofence.engine.ZoneGeometry;
import io.robotid.geofence.engine.ZoneIndex;
import io.robotid.geofence.engine.ZoneKind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Decisions per second on one core (one benchmark thread) with 100,000 zones over a city-sized area
 * (Berlin, about 46 x 38 km): squares and star-shaped polygons of 20 to 300 m, a tenth PROHIBITED, a
 * tenth RESTRICTED (half of them granted to the robot), the rest CONDITIONAL with speed limits, some with
 * task lists, time windows and public-space flags. Each call decides for the next of 65,536 random
 * positions in the city with a fully certified robot.
 *
 * <p>Run: {@code ./mvnw -B -pl geofence-engine -Pbench -DskipTests verify}. {@code main} runs the
 * benchmark and prints the figure; any argument is passed to JMH instead (e.g. {@code -h}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = { "-Xms2g", "-Xmx2g" })
@Threads(1)
public class EngineBenchmark {

    static final double MIN_LON = 13.08, MIN_LAT = 52.34, LON_SPAN = 0.68, LAT_SPAN = 0.34;
    static final double METRE_LAT = 1.0 / 111_320, METRE_LON = METRE_LAT / Math.cos(Math.toRadians(52.5));
    static final Instant AT = Instant.parse("2025-06-02T10:00:00Z");
    static final int POINTS = 1 << 16;

    @Param("100000")
    public int zones;

    private ZoneIndex index;
    private GeofenceEngine engine;
    private CheckRequest[] requests;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        Random random = new Random(42);
        List<Zone> list = new ArrayList<>(zones);
        List<Grant> grants = new ArrayList<>();
        for (int i = 0; i < zones; i++) {
            double cx = MIN_LON + random.nextDouble() * LON_SPAN;
            double cy = MIN_LAT + random.nextDouble() * LAT_SPAN;
            double half = 10 + random.nextDouble() * 140; // metres
            Geometry g = random.nextInt(4) == 0 ? star(random, cx, cy, half) : square(cx, cy, half);
            int k = random.nextInt(10);
            ZoneKind kind = k == 0 ? ZoneKind.PROHIBITED : k == 1 ? ZoneKind.RESTRICTED : ZoneKind.CONDITIONAL;
            ZoneConditions c = ZoneConditions.NONE;
            if (kind != ZoneKind.PROHIBITED) {
                c = c.withMaxSpeed(0.5 + random.nextInt(25) / 10.0);
                if (random.nextInt(5) == 0) {
                    c = c.withTasks(Set.of("delivery", "cleaning"));
                }
                if (random.nextInt(10) == 0) {
                    c = c.withWindows(java.time.ZoneId.of("Europe/Berlin"), List.of(io.robotid.geofence.engine.TimeWindow
                            .everyDay(java.time.LocalTime.of(7, 0), java.time.LocalTime.of(20, 0))));
                }
            }
            String id = "zone-" + i;
            list.add(new Zone(id, "authority-" + (i % 50), kind, new ZoneGeometry.Outdoor(g), random.nextInt(10), null, null,
                    random.nextInt(5) == 0, random.nextBoolean(), c));
            if (kind == ZoneKind.RESTRICTED && random.nextBoolean()) {
                grants.add(new Grant("grant-" + i, id, "R-0001", null, Set.of("delivery"), null, null));
            }
        }
        index = ZoneIndex.build(1, list, grants);
        engine = new GeofenceEngine();
        Map<Tier, CertifiedTier> certs = new EnumMap<>(Tier.class);
        for (Tier t : Tier.values()) {
            certs.put(t, CertifiedTier.of(t));
        }
        RobotProjection robot = new RobotProjection("R-0001", true, RobotStatus.IN_SERVICE, false, 0, certs,
                IntelligenceLevel.L2, "op-1");
        requests = new CheckRequest[POINTS];
        for (int i = 0; i < POINTS; i++) {
            requests[i] = CheckRequest.outdoor(robot, MIN_LAT + random.nextDouble() * LAT_SPAN,
                    MIN_LON + random.nextDouble() * LON_SPAN, "delivery", AT);
        }
    }

    @Benchmark
    public Decision decide() {
        CheckRequest r = requests[next];
        next = (next + 1) & (POINTS - 1);
        return engine.decide(index, r);
    }

    /** For docs/geofence.md: the share of decisions that matched at least one zone, and of each verdict. */
    public String profile() {
        int matched = 0;
        Map<io.robotid.geofence.engine.Verdict, Integer> verdicts = new EnumMap<>(io.robotid.geofence.engine.Verdict.class);
        for (CheckRequest r : requests) {
            Decision d = engine.decide(index, r);
            matched += d.matchedZoneIds().isEmpty() ? 0 : 1;
            verdicts.merge(d.verdict(), 1, Integer::sum);
        }
        return String.format(java.util.Locale.ROOT, "%.0f%% of positions in at least one zone; verdicts %s",
                100.0 * matched / POINTS, verdicts);
    }

    /**
     * Decisions per second of this thread's CPU time (one thread: decisions per second per core): immune to
     * other processes taking the core away (the machine this was written on is shared), unlike wall-clock
     * throughput. Every decision is consumed (verdict, reasons, zones, details, cache time), as JMH's
     * blackhole consumes the returned {@link Decision} in {@link #decide()}.
     */
    double perCpuSecond(int warmupSeconds, int measureSeconds) {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long sink = 0;
        long end = System.nanoTime() + warmupSeconds * 1_000_000_000L;
        while (System.nanoTime() < end) {
            for (int i = 0; i < 1024; i++) {
                sink += consume(decide());
            }
        }
        long ops = 0;
        long cpu0 = mx.getCurrentThreadCpuTime();
        end = System.nanoTime() + measureSeconds * 1_000_000_000L;
        while (System.nanoTime() < end) {
            for (int i = 0; i < 1024; i++) {
                sink += consume(decide());
            }
            ops += 1024;
        }
        long cpu = mx.getCurrentThreadCpuTime() - cpu0;
        if (sink == 42) {
            System.out.print("");
        }
        return ops / (cpu / 1e9);
    }

    private static long consume(Decision d) {
        return d.verdict().ordinal() + d.reasons().size() + d.matchedZoneIds().size() + d.details().size()
                + d.cacheFor().getSeconds() + (d.speedLimitMps().isPresent() ? 1 : 0);
    }

    private static Geometry square(double cx, double cy, double half) {
        double dx = half * METRE_LON, dy = half * METRE_LAT;
        return GeoJson.FACTORY.createPolygon(new Coordinate[] { new Coordinate(cx - dx, cy - dy), new Coordinate(cx + dx, cy - dy),
                new Coordinate(cx + dx, cy + dy), new Coordinate(cx - dx, cy + dy), new Coordinate(cx - dx, cy - dy) });
    }

    private static Geometry star(Random random, double cx, double cy, double half) {
        int n = 8 + random.nextInt(9);
        Coordinate[] cs = new Coordinate[n + 1];
        for (int i = 0; i < n; i++) {
            double a = 2 * Math.PI * i / n;
            double r = half * (0.5 + 0.5 * random.nextDouble());
            cs[i] = new Coordinate(cx + r * METRE_LON * Math.cos(a), cy + r * METRE_LAT * Math.sin(a));
        }
        cs[n] = cs[0].copy();
        return GeoJson.FACTORY.createPolygon(cs);
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0) {
            org.openjdk.jmh.Main.main(args);
            return;
        }
        EngineBenchmark probe = new EngineBenchmark();
        probe.zones = 100_000;
        long t0 = System.nanoTime();
        probe.setUp();
        long buildMs = (System.nanoTime() - t0) / 1_000_000;
        String profile = probe.profile();
        double perCpuSecond = probe.perCpuSecond(5, 10);
        Options options = new OptionsBuilder().include(EngineBenchmark.class.getName() + ".decide").build();
        RunResult result = new Runner(options).runSingle();
        double perSecond = result.getPrimaryResult().getScore();
        double error = result.getPrimaryResult().getScoreError();
        System.out.println();
        System.out.printf(java.util.Locale.ROOT, "geofence-engine, 100,000 zones, 1 thread: %,.0f decisions per CPU-second"
                + " (per core; thread CPU time, robust on a shared machine; a decision is one GeofenceEngine.decide call"
                + " returning its full Decision); JMH wall-clock throughput %,.0f decisions/s (+/- %,.0f, 99.9%% CI;"
                + " lower when the cores are shared); index built and validated in %,d ms; %s%n", perCpuSecond,
                perSecond, error, buildMs, profile);
    }
}
