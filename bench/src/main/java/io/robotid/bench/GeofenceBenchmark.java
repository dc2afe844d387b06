package io.robotid.bench;

import static io.robotid.bench.IssuanceBenchmark.bearer;
import static io.robotid.bench.IssuanceBenchmark.token;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.robotid.proto.geofence.v1.CheckPermissionRequest;
import io.robotid.proto.geofence.v1.CheckPermissionResponse;
import io.robotid.proto.geofence.v1.CreateZoneRequest;
import io.robotid.proto.geofence.v1.CreateZoneResponse;
import io.robotid.proto.geofence.v1.EchoRequest;
import io.robotid.proto.geofence.v1.EchoResponse;
import io.robotid.proto.geofence.v1.GeofenceServiceGrpc;
import io.robotid.proto.geofence.v1.Position;

/**
 * The geofence benchmark against a geofence-service that bench/geofence.sh started on a fresh database:
 * loads {@link GeofenceZones} through CreateZone (concurrent async calls), measures CheckPermission and
 * Echo (the transport floor: same server, same token check, no decision) with an open-loop load generator
 * at fixed rates (each request has an intended send instant; its latency is measured from that instant, so
 * a stalled server or client cannot hide latency: no coordinated omission) and a closed loop at
 * saturation, loads the same polygons into PostGIS and runs the same point queries there, prints the
 * service's memory, and compares everything with the targets of issue 6.
 */
public class GeofenceBenchmark {
    private static final int POINTS = 1 << 16;

    private final Map<String, String> options;
    private final int zoneCount;
    private final int seconds;
    private final int warmup;
    private final int channelCount;
    private final long servicePid;
    private final String issuer;

    private List<ManagedChannel> channels;
    private GeofenceServiceGrpc.GeofenceServiceStub[] stubs;
    private CheckPermissionRequest[] checks;
    private EchoRequest echo;
    private final Map<String, Integer> zoneIndexById = new HashMap<>();
    /** Signatures per receipt in the current run (sampled on every 64th answer): 1 / receipts per signature. */
    private final java.util.concurrent.atomic.DoubleAdder batchSizes = new java.util.concurrent.atomic.DoubleAdder();
    private final java.util.concurrent.atomic.LongAdder batchSamples = new java.util.concurrent.atomic.LongAdder();

    GeofenceBenchmark(Map<String, String> options) {
        this.options = options;
        this.zoneCount = Integer.parseInt(options.getOrDefault("zones", "100000"));
        this.seconds = Integer.parseInt(options.getOrDefault("seconds", "20"));
        this.warmup = Integer.parseInt(options.getOrDefault("warmup", "5"));
        this.channelCount = Integer.parseInt(options.getOrDefault("channels", "4"));
        this.servicePid = Long.parseLong(options.getOrDefault("service-pid", "0"));
        this.issuer = options.getOrDefault("issuer", "http://127.0.0.1:28090/robotid");
    }

    private ManagedChannel channel() {
        String[] hp = options.getOrDefault("geofence", "127.0.0.1:28105").split(":");
        return ManagedChannelBuilder.forAddress(hp[0], Integer.parseInt(hp[1])).usePlaintext().directExecutor()
                .maxInboundMessageSize(16 * 1024 * 1024).build();
    }

    public int run() throws Exception {
        String address = options.getOrDefault("geofence", "127.0.0.1:28105");
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.printf("robotid geofence benchmark: %,d zones, geofence-service at %s, %d cores (shared: client,"
                + " service and PostgreSQL run on the same machine); load average %s%n", zoneCount, address, cores, loadAverage());
        channels = new ArrayList<>();
        for (int i = 0; i < channelCount; i++) {
            channels.add(channel());
        }
        try {
            Memory empty = memory();
            System.out.printf("service memory before loading: %s%n", empty);

            List<GeofenceZones.Spec> specs = GeofenceZones.generate(zoneCount);
            Map<String, Long> shapes = new java.util.TreeMap<>();
            Map<String, Long> kinds = new java.util.TreeMap<>();
            long vertices = 0;
            for (GeofenceZones.Spec s : specs) {
                shapes.merge(s.shape(), 1L, Long::sum);
                kinds.merge(s.kind().name(), 1L, Long::sum);
                vertices += s.geojson().chars().filter(c -> c == '[').count();
            }
            System.out.printf("zones: %s; %s; about %,d positions in all%n", shapes, kinds, vertices - 2L * zoneCount);
            double loadSeconds = load(specs);
            double loadRate = zoneCount / loadSeconds;
            Memory loaded = memory();
            System.out.printf("service memory with %,d zones: %s%n", zoneCount, loaded);

            String checker = token(issuer, "REGULATOR", null);
            stubs = new GeofenceServiceGrpc.GeofenceServiceStub[channels.size()];
            for (int i = 0; i < stubs.length; i++) {
                stubs[i] = GeofenceServiceGrpc.newStub(channels.get(i))
                        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(checker)));
            }
            String robot = GeofenceEngineBenchmark.robotId();
            double[][] points = GeofenceZones.points(POINTS);
            checks = new CheckPermissionRequest[POINTS];
            Timestamp at = Timestamp.newBuilder().setSeconds(GeofenceZones.AT.getEpochSecond()).build();
            for (int i = 0; i < POINTS; i++) {
                checks[i] = CheckPermissionRequest.newBuilder().setRobotId(robot)
                        .setPosition(Position.newBuilder().setLatitude(points[i][0]).setLongitude(points[i][1]))
                        .setTaskCategory(GeofenceZones.TASK).setAt(at).build();
            }
            echo = EchoRequest.newBuilder().setPayload(ByteString.copyFrom(checks[0].toByteArray())).build();
            CheckPermissionResponse sample = GeofenceServiceGrpc.newBlockingStub(channels.get(0))
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(checker))).checkPermission(checks[0]);
            System.out.printf("robot %s (unknown to the registry: every answer is DENY with ROBOT_UNKNOWN plus the"
                    + " place's zone reasons; the zone lookups run as for a known robot, and every denial is queued for"
                    + " the audit log). Sizes: check request %d B, answer %d B (receipt %d B); echo %d B each way%n", robot,
                    checks[0].getSerializedSize(), sample.getSerializedSize(), sample.getReceipt().getSerializedSize(),
                    echo.getSerializedSize());

            Call checkCall = (i, done) -> stubs[i % stubs.length].withDeadlineAfter(60, TimeUnit.SECONDS)
                    .checkPermission(checks[i & (POINTS - 1)], new StreamObserver<CheckPermissionResponse>() {
                        public void onNext(CheckPermissionResponse value) {
                            if ((i & 63) == 0) {
                                // this receipt's share of its batch's one signature
                                batchSizes.add(1.0 / Math.max(1, value.getReceipt().getBatchSize()));
                                batchSamples.increment();
                            }
                        }

                        public void onError(Throwable t) {
                            done.ended(t);
                        }

                        public void onCompleted() {
                            done.ended(null);
                        }
                    });
            Call echoCall = (i, done) -> stubs[i % stubs.length].withDeadlineAfter(60, TimeUnit.SECONDS)
                    .echo(echo, observer(done));

            int concurrency = Integer.parseInt(options.getOrDefault("saturation-concurrency", "256"));
            System.out.printf("%nsaturation: closed loop, %d calls in flight over %d connections, %d s warm-up + %d s; load"
                    + " average %s%n", concurrency, channels.size(), warmup, seconds, loadAverage());
            // two rounds, alternating, so that a change in what else runs on the machine hits both alike
            List<Run> saturation = new ArrayList<>();
            for (int round = 0; round < 2; round++) {
                saturation.add(closedLoop("echo", echoCall, concurrency));
                saturation.add(closedLoop("check", checkCall, concurrency));
            }
            Run echoSat = best(saturation, "echo");
            Run checkSat = best(saturation, "check");

            List<Run> rated = new ArrayList<>();
            String[] rates = options.getOrDefault("rates", "1000,5000,10000").split(",");
            System.out.printf("%nfixed rates: open loop, latency from the intended send instant, %d s warm-up + %d s; load"
                    + " average %s%n", warmup, seconds, loadAverage());
            for (String r : rates) {
                double rate = Double.parseDouble(r);
                rated.add(openLoop("check", checkCall, rate));
                rated.add(openLoop("echo", echoCall, rate));
            }
            long denialsQueuedByChecks = saturation.stream().filter(x -> x.name.equals("check")).mapToLong(x -> x.completed).sum()
                    + rated.stream().filter(x -> x.name.equals("check"))
                    .mapToLong(x -> x.completedTotal).sum();

            PostGis pg = postgis(specs, points);
            Agreement agreement = agreement(checker, points, pg);

            Map<String, Double> engineWall = jmhScores(options.get("jmh-result"));
            Map<String, Double> engineCpu = jmhCpu(options.get("jmh-cpu"));
            long denialsStored = count(options.get("service-jdbc"), "select count(*) from denial");

            // ---------------------------------------------------------------------------------- summary
            System.out.println();
            System.out.printf("== geofence benchmark summary == (load average now %s on %d cores)%n", loadAverage(), cores);
            for (String b : List.of("unknownRobot", "certifiedRobot")) {
                double wall = engineWall.getOrDefault(b, Double.NaN), cpu = engineCpu.getOrDefault(b, Double.NaN);
                System.out.printf("engine alone (JMH, 1 thread, %,d zones), %-14s %,10.0f decisions/s wall-clock, %,10.0f per"
                        + " CPU-second of the thread   target >= 1,000,000/s/core: %s%n", zoneCount, b + ":", wall, cpu,
                        verdict(Math.max(wall, Double.isNaN(cpu) ? 0 : cpu) >= 1_000_000));
            }
            System.out.printf("zones loaded through CreateZone: %,d in %.0f s = %,.0f zones/s%n", zoneCount, loadSeconds, loadRate);
            System.out.printf("%-28s %10s %10s %9s %9s %9s %9s %8s %8s%n", "run", "target/s", "achieved/s", "p50 ms", "p99 ms",
                    "p99.9 ms", "max ms", "svc CPU", "receipts");
            System.out.printf("%-28s %10s %10s %9s %9s %9s %9s %8s %8s%n", "", "", "", "", "", "", "", "us/call", "/sig");
            for (Run r : saturation) {
                System.out.println(r.row());
            }
            for (Run r : rated) {
                System.out.println(r.row());
            }
            System.out.printf("%-28s %10s %,10.0f %9.2f %9.2f %9.2f %9.2f %8s %8s%n", "PostGIS ST_Covers", "saturation", pg.rate,
                    ms(pg.latency, 50), ms(pg.latency, 99), ms(pg.latency, 99.9), pg.latency.getMaxValue() / 1000.0, "-", "-");
            double ratioEcho = checkSat.achieved / echoSat.achieved;
            System.out.printf("saturation (best of two rounds): echo %,.0f/s, check %,.0f/s; check/echo per round: %.2f, %.2f%n",
                    echoSat.achieved, checkSat.achieved, saturation.get(1).achieved / saturation.get(0).achieved,
                    saturation.get(3).achieved / saturation.get(2).achieved);
            System.out.printf("service CPU per call at saturation: echo %.0f us, check %.0f us: at most %,.0f echoes/s or %,.0f"
                    + " checks/s if the service had all %d cores to itself (check/echo by CPU cost: %.2f)%n",
                    echoSat.serviceCpuMicrosPerCall, checkSat.serviceCpuMicrosPerCall, cores * 1e6 / echoSat.serviceCpuMicrosPerCall,
                    cores * 1e6 / checkSat.serviceCpuMicrosPerCall, cores,
                    echoSat.serviceCpuMicrosPerCall / checkSat.serviceCpuMicrosPerCall);
            double ratioPg = checkSat.achieved / pg.rate;
            System.out.printf("check / echo at saturation (best / best): %.2f   target >= 0.7: %s%n", ratioEcho,
                    verdict(ratioEcho >= 0.7));
            System.out.printf("check / PostGIS at saturation: %.3f (PostGIS answers %.0f times as many)   target >= 50: %s%n",
                    ratioPg, 1 / ratioPg, verdict(ratioPg >= 50));
            for (Run r : rated) {
                if (r.name.equals("check")) {
                    Run e = rated.stream().filter(x -> x.name.equals("echo") && x.rate == r.rate).findFirst().orElse(null);
                    System.out.printf("at %,.0f/s: check p99 %.2f ms, echo p99 %.2f ms (check/echo p50 %.2f, p99 %.2f)%s%n", r.rate,
                            ms(r.latency, 99), e == null ? Double.NaN : ms(e.latency, 99),
                            e == null ? Double.NaN : ms(r.latency, 50) / ms(e.latency, 50),
                            e == null ? Double.NaN : ms(r.latency, 99) / ms(e.latency, 99),
                            r.rate >= 10_000 ? "   target p99 < 5 ms: " + verdict(ms(r.latency, 99) < 5 && r.sustained()) : "");
                }
            }
            System.out.printf("service memory with %,d zones: %s (before loading: %s)%n", zoneCount, loaded, empty);
            System.out.printf("answers: service and PostGIS ST_Covers matched the same zones at %,d of %,d positions"
                    + " (%.0f %% of positions in at least one zone)%n", agreement.same, agreement.total,
                    100.0 * agreement.inAZone / agreement.total);
            System.out.printf("denial audit: %,d denials stored for about %,d denied checks in the measured runs"
                    + " (plus warm-up and the agreement checks)%n", denialsStored, denialsQueuedByChecks);
            return 0;
        } finally {
            for (ManagedChannel c : channels) {
                c.shutdownNow();
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ load

    /** Loads the zones through CreateZone (REGULATOR token, concurrent async calls); returns the seconds it took. */
    double load(List<GeofenceZones.Spec> specs) throws Exception {
        int concurrency = Integer.parseInt(options.getOrDefault("load-concurrency", "1024"));
        String regulator = token(issuer, "REGULATOR", null);
        // at most 64 calls per connection (HTTP/2 servers limit concurrent streams per connection)
        List<ManagedChannel> loaders = new ArrayList<>();
        GeofenceServiceGrpc.GeofenceServiceStub[] writers = new GeofenceServiceGrpc.GeofenceServiceStub[Math.max(1,
                (concurrency + 63) / 64)];
        for (int i = 0; i < writers.length; i++) {
            loaders.add(channel());
            writers[i] = GeofenceServiceGrpc.newStub(loaders.get(i))
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(regulator)));
        }
        System.out.printf("loading %,d zones through CreateZone, %d calls in flight over %d connections ...%n", specs.size(),
                concurrency, writers.length);
        Semaphore inFlight = new Semaphore(concurrency);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReferenceArray<String> ids = new AtomicReferenceArray<>(specs.size());
        AtomicLong done = new AtomicLong();
        long started = System.nanoTime();
        long[] chunkStart = { started };
        int report = Math.max(1, specs.size() / 10);
        for (GeofenceZones.Spec spec : specs) {
            inFlight.acquire();
            if (failure.get() != null) {
                break;
            }
            CreateZoneRequest request = CreateZoneRequest.newBuilder()
                    .setRequestId(UUID.nameUUIDFromBytes(("robotid-bench-zone-" + spec.index()).getBytes(StandardCharsets.UTF_8))
                            .toString())
                    .setZone(spec.definition()).build();
            writers[spec.index() % writers.length].withDeadlineAfter(30, TimeUnit.MINUTES).createZone(request,
                    new StreamObserver<CreateZoneResponse>() {
                        public void onNext(CreateZoneResponse value) {
                            ids.set(spec.index(), value.getZone().getZoneId());
                        }

                        public void onError(Throwable t) {
                            failure.compareAndSet(null, new IllegalStateException("CreateZone of zone " + spec.index()
                                    + " failed: " + t.getMessage(), t));
                            inFlight.release();
                        }

                        public void onCompleted() {
                            long n = done.incrementAndGet();
                            if (n % report == 0) {
                                synchronized (chunkStart) {
                                    long now = System.nanoTime();
                                    System.out.printf("  %,7d zones after %5.0f s (%,.0f zones/s over the last %,d)%n", n,
                                            (now - started) / 1e9, report / ((now - chunkStart[0]) / 1e9), report);
                                    chunkStart[0] = now;
                                }
                            }
                            inFlight.release();
                        }
                    });
        }
        inFlight.acquire(concurrency);
        inFlight.release(concurrency);
        loaders.forEach(ManagedChannel::shutdownNow);
        if (failure.get() != null) {
            throw new IllegalStateException(failure.get().getMessage(), failure.get());
        }
        double secs = (System.nanoTime() - started) / 1e9;
        for (int i = 0; i < specs.size(); i++) {
            zoneIndexById.put(ids.get(i), i);
        }
        System.out.printf("loaded %,d zones in %.1f s = %,.0f zones/s%n", specs.size(), secs, specs.size() / secs);
        return secs;
    }

    // ------------------------------------------------------------------------------------------------ load generator

    /** Starts call number {@code i}; {@code done} is told once when it ends. */
    interface Call {
        void start(int i, Done done);
    }

    interface Done {
        void ended(Throwable failure);
    }

    static <T> StreamObserver<T> observer(Done done) {
        return new StreamObserver<>() {
            public void onNext(T value) {
            }

            public void onError(Throwable t) {
                done.ended(t);
            }

            public void onCompleted() {
                done.ended(null);
            }
        };
    }

    /** One measured run. */
    final class Run {
        final String name;
        final double rate; // 0: saturation
        Histogram latency = new ConcurrentHistogram(TimeUnit.SECONDS.toMicros(120), 3);
        /** Every call's latency, warm-up included: what is shown when the run had to stop before its window. */
        final Histogram all = new ConcurrentHistogram(TimeUnit.SECONDS.toMicros(120), 3);
        double stoppedAfter = Double.NaN;
        final AtomicLong completedInWindow = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        final AtomicReference<String> firstError = new AtomicReference<>();
        long completed; // completions counted (intended or started in the window)
        long completedTotal;
        long unfinished;
        boolean aborted;
        double achieved;
        double serviceCpuMicrosPerCall = Double.NaN;
        double receiptBatch = Double.NaN;

        Run(String name, double rate) {
            this.name = name;
            this.rate = rate;
            batchSizes.reset();
            batchSamples.reset();
        }

        void finish() {
            if (name.equals("check") && batchSamples.sum() > 0) {
                receiptBatch = batchSamples.sum() / batchSizes.sum();
            }
        }

        boolean sustained() {
            return !aborted && unfinished == 0 && errors.get() == 0 && (rate == 0 || achieved >= 0.95 * rate);
        }

        void failed(Throwable t) {
            errors.incrementAndGet();
            firstError.compareAndSet(null, t.toString());
        }

        String row() {
            String label = (name.equals("check") ? "CheckPermission" : "Echo") + (rate == 0 ? " (saturation)" : "");
            String target = rate == 0 ? "saturation" : String.format(Locale.ROOT, "%,.0f", rate);
            String s = String.format(Locale.ROOT, "%-28s %10s %,10.0f %9.2f %9.2f %9.2f %9.2f %8.0f %8s", label, target, achieved,
                    ms(latency, 50), ms(latency, 99), ms(latency, 99.9), latency.getMaxValue() / 1000.0, serviceCpuMicrosPerCall,
                    Double.isNaN(receiptBatch) ? "-" : String.format(Locale.ROOT, "%.1f", receiptBatch));
            if (!sustained()) {
                s += String.format(Locale.ROOT, "   NOT SUSTAINED: %s%d errors%s, %d unfinished", aborted
                        ? String.format(Locale.ROOT, "more than 2 s of calls unanswered after %.1f s, stopped (latencies: every"
                                + " call sent), ", stoppedAfter)
                        : achieved < 0.95 * rate ? "answers fell behind, " : "", errors.get(),
                        firstError.get() == null ? "" : " (" + firstError.get() + ")", unfinished);
            }
            return s;
        }
    }

    /**
     * Open loop: call i is due at start + i / rate, whatever happened to the previous calls; its latency is
     * from that due instant to the answer. The sender parks until the next due instant and then sends every
     * call that is due (late calls go at once and their lateness counts). Only calls due in the measured
     * window are recorded; the achieved rate counts the answers that arrived in the window.
     */
    Run openLoop(String name, Call call, double rate) throws InterruptedException {
        Run run = new Run(name, rate);
        long interval = (long) (1e9 / rate);
        long total = (long) (rate * (warmup + seconds));
        long start = System.nanoTime() + 50_000_000L;
        long from = start + warmup * 1_000_000_000L;
        long to = from + seconds * 1_000_000_000L;
        long cap = (long) Math.max(2_000, rate * 2); // two seconds behind: not sustained, stop piling up
        AtomicLong outstanding = new AtomicLong();
        AtomicLong ended = new AtomicLong();
        long cpuAtStart = serviceCpuNanos();
        long cpu0 = -1;
        long sentAtFrom = 0;
        long sent = 0;
        for (long i = 0; i < total; i++) {
            long due = start + i * interval;
            if (cpu0 < 0 && due >= from) {
                cpu0 = serviceCpuNanos();
                sentAtFrom = sent;
            }
            long now = System.nanoTime();
            if (due > now) {
                LockSupport.parkNanos(due - now);
            }
            if (outstanding.get() > cap) {
                run.aborted = true;
                run.stoppedAfter = (System.nanoTime() - start) / 1e9;
                break;
            }
            outstanding.incrementAndGet();
            sent++;
            call.start((int) i, failure -> {
                long end = System.nanoTime();
                outstanding.decrementAndGet();
                ended.incrementAndGet();
                if (failure != null) {
                    run.failed(failure);
                    return;
                }
                run.all.recordValue(Math.max(1, (end - due) / 1000));
                if (due >= from && due < to) {
                    run.latency.recordValue(Math.max(1, (end - due) / 1000));
                }
                if (end >= from && end < to) {
                    run.completedInWindow.incrementAndGet();
                }
            });
        }
        long cpu1 = serviceCpuNanos();
        if (cpu0 < 0) { // stopped in the warm-up: the whole run
            cpu0 = cpuAtStart;
            sentAtFrom = 0;
        }
        long deadline = System.nanoTime() + 65_000_000_000L;
        while (outstanding.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        run.unfinished = outstanding.get();
        if (run.aborted) {
            run.latency = run.all;
        }
        run.completedTotal = ended.get();
        run.completed = run.completedInWindow.get();
        run.achieved = run.aborted ? run.completedTotal / ((System.nanoTime() - start) / 1e9) // answered from start until drained
                : run.completed / (double) seconds;
        if (cpu0 >= 0) {
            run.serviceCpuMicrosPerCall = (cpu1 - cpu0) / 1000.0 / Math.max(1, sent - sentAtFrom);
        }
        run.finish();
        System.out.println(run.row());
        return run;
    }

    /** Closed loop: {@code concurrency} calls always in flight; throughput is the answers in the measured window. */
    private Run closedLoop(String name, Call call, int concurrency) throws InterruptedException {
        Run run = new Run(name, 0);
        long start = System.nanoTime();
        long from = start + warmup * 1_000_000_000L;
        long to = from + seconds * 1_000_000_000L;
        AtomicLong next = new AtomicLong();
        AtomicLong ended = new AtomicLong();
        CountDownLatch finished = new CountDownLatch(concurrency);
        long[] cpuAtFrom = { -1 };
        class Loop implements Done {
            long sentAt;

            void send() {
                long now = System.nanoTime();
                if (now >= to) {
                    finished.countDown();
                    return;
                }
                sentAt = now;
                call.start((int) next.getAndIncrement(), this);
            }

            public void ended(Throwable failure) {
                long end = System.nanoTime();
                ended.incrementAndGet();
                if (failure != null) {
                    run.failed(failure);
                } else if (end >= from && end < to) {
                    run.completedInWindow.incrementAndGet();
                    if (sentAt >= from) {
                        run.latency.recordValue(Math.max(1, (end - sentAt) / 1000));
                    }
                }
                send();
            }
        }
        for (int i = 0; i < concurrency; i++) {
            new Loop().send();
        }
        Thread.sleep(Math.max(0, (from - System.nanoTime()) / 1_000_000));
        long cpu0 = serviceCpuNanos();
        long atFrom = ended.get();
        Thread.sleep(Math.max(0, (to - System.nanoTime()) / 1_000_000));
        long cpu1 = serviceCpuNanos();
        long atTo = ended.get();
        if (!finished.await(65, TimeUnit.SECONDS)) {
            run.unfinished = finished.getCount();
        }
        run.completed = run.completedInWindow.get();
        run.completedTotal = ended.get();
        run.achieved = run.completed / (double) seconds;
        if (cpu0 >= 0 && atTo > atFrom) {
            run.serviceCpuMicrosPerCall = (cpu1 - cpu0) / 1000.0 / (atTo - atFrom);
        }
        run.finish();
        System.out.println(run.row());
        return run;
    }

    private static Run best(List<Run> runs, String name) {
        return runs.stream().filter(r -> r.name.equals(name)).max(java.util.Comparator.comparingDouble(r -> r.achieved)).orElseThrow();
    }

    static double ms(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1000.0;
    }

    private static String verdict(boolean met) {
        return met ? "met" : "MISSED";
    }

    // ------------------------------------------------------------------------------------------------ PostGIS

    record PostGis(double rate, Histogram latency, Map<Integer, Set<Integer>> answers) {
    }

    /**
     * The polygons into PostGIS: table {@code bench_zone (id, kind, geom)} with the same GeoJSON text
     * ({@code ST_GeomFromGeoJSON}, SRID 4326), a GiST index on {@code geom}, vacuumed and analysed; prints the
     * plan of a point query.
     */
    static void loadPostgis(String url, List<GeofenceZones.Spec> specs) throws Exception {
        System.out.printf("%nPostGIS: loading the same %,d polygons into %s ...%n", specs.size(), url);
        try (Connection c = DriverManager.getConnection(url); Statement sql = c.createStatement()) {
            try (ResultSet rs = sql.executeQuery("select postgis_lib_version(), version()")) {
                rs.next();
                System.out.printf("PostGIS %s on %s%n", rs.getString(1), rs.getString(2).replaceAll(",.*", ""));
            }
            sql.execute("drop table if exists bench_zone");
            sql.execute("create table bench_zone (id integer primary key, kind text not null, geom geometry(Geometry, 4326) not null)");
            c.setAutoCommit(false);
            long t0 = System.nanoTime();
            try (PreparedStatement insert = c.prepareStatement(
                    "insert into bench_zone (id, kind, geom) values (?, ?, ST_SetSRID(ST_GeomFromGeoJSON(?), 4326))")) {
                int n = 0;
                for (GeofenceZones.Spec s : specs) {
                    insert.setInt(1, s.index());
                    insert.setString(2, s.kind().name());
                    insert.setString(3, s.geojson());
                    insert.addBatch();
                    if (++n % 1000 == 0) {
                        insert.executeBatch();
                    }
                }
                insert.executeBatch();
            }
            c.commit();
            c.setAutoCommit(true);
            sql.execute("create index bench_zone_geom_gist on bench_zone using gist (geom)");
            sql.execute("vacuum analyze bench_zone");
            try (ResultSet rs = sql.executeQuery("select count(*), count(*) filter (where not ST_IsValid(geom)) from bench_zone")) {
                rs.next();
                System.out.printf("PostGIS: %,d rows (%d invalid), GiST index built, in %.1f s%n", rs.getLong(1), rs.getLong(2),
                        (System.nanoTime() - t0) / 1e9);
            }
            try (ResultSet rs = sql.executeQuery("explain select id from bench_zone where ST_Covers(geom,"
                    + " ST_SetSRID(ST_MakePoint(13.5, 52.5), 4326))")) {
                StringBuilder plan = new StringBuilder();
                while (rs.next()) {
                    plan.append("\n    ").append(rs.getString(1));
                }
                System.out.printf("PostGIS plan:%s%n", plan);
            }
        }
    }

    /**
     * The same polygons (the same GeoJSON text, ST_GeomFromGeoJSON) in a table with a GiST index, and the
     * same positions as ST_Covers point queries (covers: a point on the boundary is inside, as in the engine),
     * on {@code pg-connections} connections in closed loops, prepared statements.
     */
    private PostGis postgis(List<GeofenceZones.Spec> specs, double[][] points) throws Exception {
        String url = options.getOrDefault("postgis", "jdbc:postgresql://127.0.0.1:5432/robotid_postgis_bench?user=postgres");
        int connections = Integer.parseInt(options.getOrDefault("pg-connections", "4"));
        loadPostgis(url, specs);
        String query = "select id from bench_zone where ST_Covers(geom, ST_SetSRID(ST_MakePoint(?, ?), 4326))";
        Histogram latency = new ConcurrentHistogram(TimeUnit.SECONDS.toMicros(120), 3);
        AtomicLong inWindow = new AtomicLong();
        long start = System.nanoTime();
        long from = start + warmup * 1_000_000_000L;
        long to = from + seconds * 1_000_000_000L;
        List<Thread> threads = new ArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int t = 0; t < connections; t++) {
            int offset = t * (POINTS / connections);
            Thread thread = new Thread(() -> {
                try (Connection c = DriverManager.getConnection(url); PreparedStatement q = c.prepareStatement(query)) {
                    int i = offset;
                    while (true) {
                        long s = System.nanoTime();
                        if (s >= to) {
                            break;
                        }
                        double[] p = points[i++ & (POINTS - 1)];
                        q.setDouble(1, p[1]);
                        q.setDouble(2, p[0]);
                        try (ResultSet rs = q.executeQuery()) {
                            while (rs.next()) {
                                rs.getInt(1);
                            }
                        }
                        long e = System.nanoTime();
                        if (s >= from && e < to) {
                            latency.recordValue(Math.max(1, (e - s) / 1000));
                            inWindow.incrementAndGet();
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "postgis-" + t);
            threads.add(thread);
            thread.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("PostGIS queries failed: " + failure.get(), failure.get());
        }
        double rate = inWindow.get() / (double) seconds;
        System.out.printf("PostGIS ST_Covers point queries, %d connections, closed loop, %d s warm-up + %d s: %,.0f queries/s,"
                + " p50 %.2f ms, p99 %.2f ms%n", connections, warmup, seconds, rate, ms(latency, 50), ms(latency, 99));

        int sample = Integer.parseInt(options.getOrDefault("agreement", "2000"));
        Map<Integer, Set<Integer>> answers = new HashMap<>();
        try (Connection c = DriverManager.getConnection(url); PreparedStatement q = c.prepareStatement(query)) {
            for (int i = 0; i < sample; i++) {
                q.setDouble(1, points[i][1]);
                q.setDouble(2, points[i][0]);
                Set<Integer> ids = new HashSet<>();
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getInt(1));
                    }
                }
                answers.put(i, ids);
            }
        }
        return new PostGis(rate, latency, answers);
    }

    record Agreement(int total, int same, int inAZone) {
    }

    /** The service's matched zones against PostGIS's ST_Covers rows, position by position. */
    private Agreement agreement(String token, double[][] points, PostGis pg) {
        var stub = GeofenceServiceGrpc.newBlockingStub(channels.get(0))
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(token)));
        int same = 0, inAZone = 0, shown = 0;
        for (int i = 0; i < pg.answers.size(); i++) {
            CheckPermissionResponse r = stub.checkPermission(checks[i]);
            Set<Integer> mine = new HashSet<>();
            for (String id : r.getMatchedZoneIdsList()) {
                mine.add(zoneIndexById.getOrDefault(id, -1));
            }
            if (!mine.isEmpty()) {
                inAZone++;
            }
            if (mine.equals(pg.answers.get(i))) {
                same++;
            } else if (shown++ < 5) {
                System.out.printf("  differs at %.7f,%.7f: service %s, PostGIS %s%n", points[i][0], points[i][1], mine,
                        pg.answers.get(i));
            }
        }
        return new Agreement(pg.answers.size(), same, inAZone);
    }

    /** JMH's JSON result file: benchmark method name (without its class) to primary score; empty when absent. */
    static Map<String, Double> jmhScores(String file) throws java.io.IOException {
        Map<String, Double> out = new HashMap<>();
        if (file != null && new File(file).isFile()) {
            for (JsonNode b : new ObjectMapper().readTree(new File(file))) {
                String name = b.path("benchmark").asText().replaceAll(".*\\.", "");
                out.put(name, b.path("primaryMetric").path("score").asDouble());
            }
        }
        return out;
    }

    /** The per-CPU-second figures GeofenceEngineBenchmark appends to {@code -Dgeofence.cpu-file}; empty when absent. */
    static Map<String, Double> jmhCpu(String file) throws java.io.IOException {
        Map<String, Double> out = new HashMap<>();
        if (file != null && new File(file).isFile()) {
            for (String line : Files.readAllLines(Path.of(file))) {
                String[] f = line.trim().split(" ");
                if (f.length == 2) {
                    out.put(f[0], Double.parseDouble(f[1]));
                }
            }
        }
        return out;
    }

    /** A /proc/PID/status field in kB (VmRSS, VmHWM), or -1. */
    static long procStatusKb(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.replaceAll("\\D+", ""));
                }
            }
        } catch (Exception e) {
            // gone
        }
        return -1;
    }

    // ------------------------------------------------------------------------------------------------ memory, CPU

    record Memory(long rssKb, long heapUsedKb, long heapCommittedKb) {
        @Override
        public String toString() {
            return rssKb < 0 ? "n/a (no --service-pid)"
                    : String.format(Locale.ROOT, "RSS %,d MB, heap used after a full GC %,d MB (heap committed %,d MB)",
                            rssKb / 1024, heapUsedKb / 1024, heapCommittedKb / 1024);
        }
    }

    /** RSS from /proc/PID/status; heap used after a full GC (jcmd GC.run, then GC.heap_info). */
    private Memory memory() throws Exception {
        if (servicePid <= 0) {
            return new Memory(-1, -1, -1);
        }
        jcmd("GC.run");
        Thread.sleep(5000); // G1 returns the freed heap to the OS on its service thread, shortly after the GC
        String heap = jcmd("GC.heap_info");
        Matcher m = Pattern.compile("total (\\d+)K, used (\\d+)K").matcher(heap);
        long used = -1, committed = -1;
        if (m.find()) {
            committed = Long.parseLong(m.group(1));
            used = Long.parseLong(m.group(2));
        }
        return new Memory(procStatusKb(servicePid, "VmRSS"), used, committed);
    }

    private String jcmd(String command) throws Exception {
        Process p = new ProcessBuilder("jcmd", Long.toString(servicePid), command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("jcmd " + servicePid + " " + command + " failed: " + out);
        }
        return out;
    }

    /** CPU time (user + system) the service process used so far, or -1. */
    private long serviceCpuNanos() {
        if (servicePid <= 0) {
            return -1;
        }
        return ProcessHandle.of(servicePid).flatMap(h -> h.info().totalCpuDuration()).map(Duration::toNanos).orElse(-1L);
    }

    /** The 1, 5 and 15 minute load averages: how much else ran on the machine. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (Exception e) {
            return "n/a";
        }
    }

    private static long count(String url, String query) {
        if (url == null) {
            return -1;
        }
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        } catch (Exception e) {
            return -1;
        }
    }
}
