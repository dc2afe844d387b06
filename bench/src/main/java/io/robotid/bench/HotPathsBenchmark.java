package io.robotid.bench;

import static io.robotid.bench.IssuanceBenchmark.bearer;
import static io.robotid.bench.IssuanceBenchmark.token;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import grpc.health.v1.HealthOuterClass.HealthCheckResponse;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.stub.MetadataUtils;
import io.robotid.geofence.engine.ZoneKind;
import io.robotid.proto.geofence.v1.CheckPermissionRequest;
import io.robotid.proto.geofence.v1.CheckPermissionResponse;
import io.robotid.proto.geofence.v1.DenialReason;
import io.robotid.proto.geofence.v1.EchoRequest;
import io.robotid.proto.geofence.v1.EchoResponse;
import io.robotid.proto.geofence.v1.GeofenceServiceGrpc;
import io.robotid.proto.geofence.v1.StreamChecksResponse;
import io.robotid.proto.geofence.v1.Verdict;

/**
 * The hot paths of issue 18, measured with load tools not written here, against the services that
 * bench/hotpaths.sh started on their own ports and databases:
 * <ol>
 * <li>a robot made known the registry's way ({@link RobotInService}) and the zones loaded through CreateZone;
 * <li>h2load (nghttp2) with gRPC-framed bodies ({@link GrpcBodies}) against geofence-service: the unauthenticated
 * floor {@code grpc.health.v1.Health/Check}, {@code Echo} with the robot's token, {@code CheckPermission} ALLOW
 * and DENY with the robot's own token, {@code StreamChecks} (K checks a stream) on one stream and on many;
 * after each run a sample of the same requests again through grpc-java, whose grpc-status and answer are
 * checked (h2load counts only HTTP statuses); the denials stored against the DENY answers;
 * <li>pgbench (prepared, 8 clients) with {@code ST_Covers} point queries on the same polygons in PostGIS;
 * <li>latency with {@link GeofenceBenchmark}'s open-loop generator at fractions of the measured saturation;
 * <li>issuance against its COPY floor ({@link IssuanceBenchmark});
 * <li>every service's RSS after the load.
 * </ol>
 * Figures go to {@code results.properties} ({@link Results}); {@link #summary} prints them with their floors
 * and targets.
 */
public class HotPathsBenchmark {
    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    private final Map<String, String> options;
    private final Path out;
    private final Results results;
    private final String issuer;
    private final String geofenceAddress;
    private final int zones;
    private final int seconds;
    private final int warmup;
    private final int connections;
    private final int streams;
    private final int h2loadThreads;
    private final int streamMessages;
    private final int verifySample;
    private final int rounds;
    private final Map<String, Long> pids = new LinkedHashMap<>();

    HotPathsBenchmark(Map<String, String> options) throws IOException {
        this.options = options;
        this.out = Path.of(options.getOrDefault("out", "bench/target/hotpaths")).toAbsolutePath();
        Files.createDirectories(out);
        this.results = new Results(out.resolve("results.properties"));
        this.issuer = options.getOrDefault("issuer", "http://127.0.0.1:28090/robotid");
        this.geofenceAddress = options.getOrDefault("geofence", "127.0.0.1:28105");
        this.zones = Integer.parseInt(options.getOrDefault("zones", "100000"));
        this.seconds = Integer.parseInt(options.getOrDefault("seconds", "20"));
        this.warmup = Integer.parseInt(options.getOrDefault("warmup", "5"));
        this.connections = Integer.parseInt(options.getOrDefault("connections", "8"));
        this.streams = Integer.parseInt(options.getOrDefault("streams", "16"));
        this.h2loadThreads = Integer.parseInt(options.getOrDefault("h2load-threads", "1"));
        this.streamMessages = Integer.parseInt(options.getOrDefault("stream-messages", "1000"));
        this.verifySample = Integer.parseInt(options.getOrDefault("verify-sample", "500"));
        this.rounds = Integer.parseInt(options.getOrDefault("rounds", "2"));
        for (String p : options.getOrDefault("pids", "").split(",")) {
            String[] kv = p.split("=");
            if (kv.length == 2) {
                pids.put(kv[0], Long.parseLong(kv[1]));
            }
        }
    }

    /** One h2load run of the benchmark: which body, with the robot's token or none, connections x streams. */
    record RunSpec(String key, String label, String body, boolean token, int connections, int streams) {
    }

    /** What h2load printed: requests per second in its measured window and its counts. */
    record H2load(double rps, long total, long succeeded, long failed, long errored, long timeout, long status2xx,
            String requestMean, String requestMax, Path output) {
    }

    /** The grpc-status and the answers of a sample of the same requests, sent again through grpc-java. */
    record Verification(int checked, int ok, String firstProblem) {
    }

    int run() throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.printf("robotid hot-path benchmark: %,d zones, geofence-service at %s, %d cores (shared: the load tools,"
                + " the services and PostgreSQL run on the same machine); load average %s%n", zones, geofenceAddress, cores,
                GeofenceBenchmark.loadAverage());
        results.put("meta.zones", zones);
        results.put("meta.seconds", seconds);
        results.put("meta.warmup", warmup);
        results.put("meta.connections", connections);
        results.put("meta.streams", streams);
        results.put("meta.stream_messages", streamMessages);
        results.put("meta.cores", cores);
        results.put("meta.load_before_measuring", GeofenceBenchmark.loadAverage());
        ManagedChannel geofence = IssuanceBenchmark.channel(geofenceAddress);
        ManagedChannel filing = IssuanceBenchmark.channel(options.getOrDefault("filing", "127.0.0.1:28102"));
        ManagedChannel identity = IssuanceBenchmark.channel(options.getOrDefault("identity", "127.0.0.1:28101"));
        ManagedChannel lifecycle = IssuanceBenchmark.channel(options.getOrDefault("lifecycle", "127.0.0.1:28103"));
        ManagedChannel certification = IssuanceBenchmark.channel(options.getOrDefault("certification", "127.0.0.1:28104"));
        try {
            // ---------------------------------------------------------------------------------- the robot, the zones
            System.out.printf("%n== 1. a robot in service, and %,d zones ==%n", zones);
            RobotInService.Robot robot = RobotInService.make(issuer, filing, identity, lifecycle, certification, geofence);
            results.put("robot", robot.robotId());
            List<GeofenceZones.Spec> specs = GeofenceZones.generate(zones);
            double loadSeconds = geofenceBench(Map.of()).load(specs);
            results.put("zones.load_seconds", loadSeconds);

            String robotToken = token(issuer, "ROBOT", "robot_id", robot.robotId());
            // decided for tomorrow 10:00 UTC: after the certificates' start, inside the zones' daily windows
            Instant at = Instant.now().truncatedTo(ChronoUnit.DAYS).plus(1, ChronoUnit.DAYS).plus(10, ChronoUnit.HOURS);
            var asRobot = GeofenceServiceGrpc.newBlockingStub(geofence)
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(robotToken)));
            Chosen allow = choose(asRobot, specs, robot.robotId(), at, true);
            Chosen deny = choose(asRobot, specs, robot.robotId(), at, false);
            for (Chosen c : List.of(allow, deny)) {
                System.out.printf("%s at %.7f,%.7f for %s at %s: %s%s, %d zone(s) matched; request %d B, answer %d B (receipt %d B)%n",
                        c == allow ? "ALLOW case" : "DENY case ", c.request.getPosition().getLatitude(),
                        c.request.getPosition().getLongitude(), c.request.getTaskCategory(), at, c.answer.getVerdict(),
                        c.answer.getReasonsCount() == 0 ? "" : " " + c.answer.getReasonsList(), c.answer.getMatchedZoneIdsCount(),
                        c.request.getSerializedSize(), c.answer.getSerializedSize(), c.answer.getReceipt().getSerializedSize());
            }
            results.put("allow.verdict", allow.answer.getVerdict().name());
            results.put("allow.zones", allow.answer.getMatchedZoneIdsCount());
            results.put("deny.reasons", deny.answer.getReasonsList().toString());

            Map<String, GrpcBodies.Body> bodies = GrpcBodies.bodies(allow.request, deny.request, streamMessages);
            Path bodyDir = out.resolve("h2load");
            GrpcBodies.write(bodyDir, bodies);
            for (GrpcBodies.Body b : bodies.values()) {
                System.out.printf("  h2load body %-44s %,9d B: %,d gRPC frame(s) for %s%n", out.getParent().relativize(b.file(bodyDir)),
                        Files.size(b.file(bodyDir)), b.messages().size(), b.path());
            }

            // ---------------------------------------------------------------------------------- h2load
            double settled = settle();
            results.put("meta.settle_seconds", settled);
            results.put("meta.load_before_measuring", GeofenceBenchmark.loadAverage());
            System.out.printf("%n== 2. h2load against geofence-service: %d connections x %d streams, %d thread(s), %d s after %d s"
                    + " warm-up, %d round(s) ==%n", connections, streams, h2loadThreads, seconds, warmup, rounds);
            System.out.println(h2loadVersion());
            List<RunSpec> runs = List.of(
                    new RunSpec("floor", "grpc.health.v1.Health/Check, no token", "health", false, connections, streams),
                    new RunSpec("echo", "Echo, the robot's token", "echo", true, connections, streams),
                    new RunSpec("allow", "CheckPermission ALLOW, the robot's own token", "check-allow", true, connections, streams),
                    new RunSpec("deny", "CheckPermission DENY, the robot's own token", "check-deny", true, connections, streams),
                    new RunSpec("stream1", "StreamChecks, one stream at a time", "stream", true, 1, 1),
                    new RunSpec("streams", "StreamChecks, " + connections + " x " + streams + " streams", "stream", true,
                            connections, streams),
                    // the floor again at the round's end: a floor disturbed once (the zones' load settling, a noisy
                    // neighbour) would flatter every ratio; the floor is the better of the two
                    new RunSpec("floor_end", "grpc.health.v1.Health/Check, no token, again", "health", false, connections,
                            streams));
            Map<String, Function<List<byte[]>, String>> answerChecks = answerChecks(bodies, allow, deny);
            Map<String, Double> best = new HashMap<>();
            Map<String, List<String>> perRound = new HashMap<>();
            long denialsStored = 0, denialsAnswered = 0;
            int verifiedCalls = 0, verifiedOk = 0;
            String geofenceJdbc = options.get("geofence-jdbc");
            ManagedChannel verifier = ManagedChannelBuilder.forTarget(geofenceAddress).usePlaintext()
                    .maxInboundMessageSize(64 * 1024 * 1024).build();
            try {
                // the JIT compiles the paths the first requests take: one unmeasured pass over every kind first
                System.out.printf("warm-up pass, not measured: every kind of request for %d s%n", warmup);
                for (RunSpec r : runs) {
                    h2load(r, "warmup", bodies.get(r.body), bodyDir, r.token ? token(issuer, "ROBOT", "robot_id", robot.robotId())
                            : null, Math.max(1, warmup), 0);
                }
                for (int round = 1; round <= rounds; round++) {
                    for (RunSpec r : runs) {
                        GrpcBodies.Body body = bodies.get(r.body);
                        String token = r.token ? token(issuer, "ROBOT", "robot_id", robot.robotId()) : null;
                        long denialsBefore = r.key.equals("deny") ? count(geofenceJdbc, "select count(*) from denial") : -1;
                        H2load h = h2load(r, "round" + round, body, bodyDir, token, seconds, warmup);
                        int sample = body.stream() ? Math.max(2, (verifySample + streamMessages - 1) / streamMessages) : verifySample;
                        Verification v = verify(verifier, body, token, sample, answerChecks.get(body.name()));
                        verifiedCalls += v.checked;
                        verifiedOk += v.ok;
                        double rate = body.stream() ? h.rps * streamMessages : h.rps;
                        String unit = body.stream() ? "checks/s" : "calls/s";
                        System.out.printf("round %d  %-46s %,10.0f %-8s (%s%,d requests succeeded, %d failed, %d errored, %d timed"
                                + " out; request mean %s, max %s)%n", round, r.label, rate, unit,
                                body.stream() ? String.format(Locale.ROOT, "%,.1f streams/s of %,d checks; ", h.rps, streamMessages) : "",
                                h.succeeded, h.failed, h.errored, h.timeout, h.requestMean, h.requestMax);
                        System.out.printf("         grpc-status of the same requests sent again through grpc-java: %d of %d %s OK%s%s%n",
                                v.ok, v.checked, body.stream() ? "streams (" + streamMessages + " answers each)" : "calls",
                                v.ok == v.checked ? "" : "   NOT ALL OK: " + v.firstProblem,
                                h.failed + h.errored + h.timeout > 0 ? "   h2load counted failures" : "");
                        results.put("h2load." + r.key + ".round" + round, rate);
                        results.put("verify." + r.key + ".checked", v.checked);
                        results.put("verify." + r.key + ".ok", v.ok);
                        if (v.firstProblem != null) {
                            results.put("verify." + r.key + ".problem", v.firstProblem);
                        }
                        results.put("h2load." + r.key + ".failed", h.failed + h.errored + h.timeout);
                        perRound.computeIfAbsent(r.key, k -> new ArrayList<>()).add(String.format(Locale.ROOT, "%.0f", rate));
                        if (v.ok == v.checked && h.failed + h.errored + h.timeout == 0) {
                            best.merge(r.key, rate, Math::max);
                        }
                        if (r.key.equals("deny") && denialsBefore >= 0) {
                            long after = settledCount(geofenceJdbc, "select count(*) from denial");
                            denialsStored += after - denialsBefore;
                            // h2load counts only its measured window (not the warm-up): a lower bound of the denials
                            denialsAnswered += h.succeeded + v.ok;
                            System.out.printf("         denial audit: %,d denials stored during this run; DENY answers counted: at"
                                    + " least %,d (h2load's window, without its warm-up, plus the %d sent again)%n",
                                    after - denialsBefore, h.succeeded + v.ok, v.ok);
                        }
                    }
                }
            } finally {
                verifier.shutdownNow();
            }
            if (best.containsKey("floor_end")) {
                results.put("h2load.floor_first", best.getOrDefault("floor", Double.NaN));
                best.merge("floor", best.get("floor_end"), Math::max);
            }
            for (RunSpec r : runs) {
                if (best.containsKey(r.key)) {
                    results.put("h2load." + r.key, best.get(r.key));
                }
            }
            results.put("verify.calls", verifiedCalls);
            results.put("verify.ok", verifiedOk);
            results.put("denials.stored", denialsStored);
            results.put("denials.answered_at_least", denialsAnswered);
            System.out.printf("best of %d round(s): %s%n", rounds, perRound);

            // ---------------------------------------------------------------------------------- pgbench
            System.out.printf("%n== 3. PostGIS with pgbench ==%n");
            pgbench(specs);

            // ---------------------------------------------------------------------------------- latency
            double saturation = best.getOrDefault("allow", Double.NaN);
            System.out.printf("%n== 4. latency: open loop (bench's generator, grpc-java), CheckPermission ALLOW with the robot's"
                    + " token, at fractions of the saturation h2load measured (%,.0f/s) ==%n", saturation);
            latency(allow.request, robot.robotId(), saturation);
            System.out.printf("%n== 4b. latency: h2load at fixed rates (--rps, --log-file), the same calls, the same fractions ==%n");
            h2loadLatency(bodies, bodyDir, robot.robotId(), saturation);

            // ---------------------------------------------------------------------------------- issuance
            System.out.printf("%n== 5. issuance against its COPY floor ==%n");
            Map<String, String> issuance = new HashMap<>();
            issuance.put("ids", options.getOrDefault("ids", "100000"));
            issuance.put("batch", options.getOrDefault("batch", "50000"));
            issuance.put("parallel", options.getOrDefault("parallel", "2"));
            issuance.put("issuer", issuer);
            issuance.put("filing", options.getOrDefault("filing", "127.0.0.1:28102"));
            issuance.put("identity", options.getOrDefault("identity", "127.0.0.1:28101"));
            issuance.put("jdbc", options.getOrDefault("identity-jdbc",
                    "jdbc:postgresql://127.0.0.1:5432/robotid_identity_hotpaths?user=postgres"));
            IssuanceBenchmark.Result issued = new IssuanceBenchmark().measure(issuance);
            results.put("issuance.ids", issued.issued());
            results.put("issuance.rate", issued.issueRate());
            results.put("issuance.copy", issued.copyRate());
            results.put("issuance.bc_sign", issued.bcSignRate());
            results.put("issuance.jdk_sign", issued.jdkSignRate());

            // ---------------------------------------------------------------------------------- memory
            System.out.printf("%n== 6. resident memory of every service after the load ==%n");
            for (Map.Entry<String, Long> e : pids.entrySet()) {
                long rss = GeofenceBenchmark.procStatusKb(e.getValue(), "VmRSS");
                long peak = GeofenceBenchmark.procStatusKb(e.getValue(), "VmHWM");
                // anonymous (heap, metaspace, code, stacks, malloc) and file-backed (jars, CDS / AOT cache
                // mappings: page cache, shared and reclaimable) parts of the RSS
                long anon = GeofenceBenchmark.procStatusKb(e.getValue(), "RssAnon");
                long file = GeofenceBenchmark.procStatusKb(e.getValue(), "RssFile");
                System.out.printf("%-22s pid %-8d RSS %,6d MB (peak %,d MB; anonymous %,d MB, files %,d MB)%n", e.getKey(),
                        e.getValue(), rss / 1024, peak / 1024, anon / 1024, file / 1024);
                results.put("rss." + e.getKey(), rss);
                results.put("rss_peak." + e.getKey(), peak);
                results.put("rss_anon." + e.getKey(), anon);
                results.put("rss_file." + e.getKey(), file);
            }
            results.put("meta.load_after_measuring", GeofenceBenchmark.loadAverage());
            return 0;
        } finally {
            for (ManagedChannel c : List.of(geofence, filing, identity, lifecycle, certification)) {
                c.shutdownNow();
            }
        }
    }

    private GeofenceBenchmark geofenceBench(Map<String, String> extra) {
        Map<String, String> o = new HashMap<>(options);
        o.put("geofence", geofenceAddress);
        o.put("issuer", issuer);
        Long pid = pids.get("geofence-service");
        o.put("service-pid", pid == null ? "0" : pid.toString());
        o.putAll(extra);
        return new GeofenceBenchmark(o);
    }

    // ------------------------------------------------------------------------------------------------ the two cases

    record Chosen(CheckPermissionRequest request, CheckPermissionResponse answer) {
    }

    /**
     * The ALLOW case: the centre of a CONDITIONAL square zone without time window or with the task, that the
     * service allows (so the check finds a zone, its speed limit, and still allows); else any allowed
     * position. The DENY case: the centre of a PROHIBITED square zone that the service denies with
     * PROHIBITED_ZONE. Both asked with the robot's own token, decided for {@code at}.
     */
    private static Chosen choose(GeofenceServiceGrpc.GeofenceServiceBlockingStub asRobot, List<GeofenceZones.Spec> specs,
            String robotId, Instant at, boolean allow) {
        List<double[]> candidates = new ArrayList<>();
        for (GeofenceZones.Spec s : specs) {
            if (!s.shape().equals("square")) {
                continue;
            }
            boolean fits = allow ? s.kind() == ZoneKind.CONDITIONAL && !s.window()
                    && (s.tasks().isEmpty() || s.tasks().contains(GeofenceZones.TASK)) : s.kind() == ZoneKind.PROHIBITED;
            if (fits) {
                candidates.add(centre(s));
            }
            if (candidates.size() >= 200) {
                break;
            }
        }
        if (allow) {
            candidates.addAll(Arrays.asList(GeofenceZones.points(200)));
        }
        CheckPermissionResponse last = null;
        for (double[] c : candidates) {
            CheckPermissionRequest r = GrpcBodies.check(robotId, c[0], c[1], GeofenceZones.TASK, at);
            CheckPermissionResponse a = asRobot.withDeadlineAfter(30, TimeUnit.SECONDS).checkPermission(r);
            last = a;
            boolean allowed = a.getVerdict() == Verdict.VERDICT_ALLOW || a.getVerdict() == Verdict.VERDICT_ALLOW_WITH_CONDITIONS;
            if (allow ? allowed : a.getVerdict() == Verdict.VERDICT_DENY
                    && a.getReasonsList().contains(DenialReason.DENIAL_REASON_PROHIBITED_ZONE)) {
                return new Chosen(r, a);
            }
        }
        throw new IllegalStateException("no " + (allow ? "allowed" : "prohibited") + " position among " + candidates.size()
                + " candidates; last answer: " + last);
    }

    private static final Pattern POSITION = Pattern.compile("\\[(-?\\d+\\.\\d+),(-?\\d+\\.\\d+)\\]");

    /** {lat, lon} of a square zone's centre: halfway between its first and third corners (GeoJSON is lon,lat). */
    static double[] centre(GeofenceZones.Spec square) {
        Matcher m = POSITION.matcher(square.geojson());
        double[][] corners = new double[3][];
        for (int i = 0; i < 3 && m.find(); i++) {
            corners[i] = new double[] { Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2)) };
        }
        double lon = (corners[0][0] + corners[2][0]) / 2, lat = (corners[0][1] + corners[2][1]) / 2;
        return new double[] { Math.round(lat * 1e7) / 1e7, Math.round(lon * 1e7) / 1e7 };
    }

    /**
     * Waits until the machine is quiet (what loading the zones set going, geofence-service's feeds, autovacuum of
     * the new rows: three seconds in a row with both cores less than a quarter busy), at most two minutes, so
     * that the first figure of a round is not measured on a busy machine. Returns the seconds waited.
     */
    private static double settle() throws InterruptedException {
        long start = System.nanoTime();
        int quiet = 0;
        long[] before = cpuTicks();
        while (quiet < 3 && System.nanoTime() - start < TimeUnit.MINUTES.toNanos(2)) {
            Thread.sleep(1000);
            long[] now = cpuTicks();
            long total = now[0] - before[0], idle = now[1] - before[1];
            quiet = total > 0 && idle >= total * 3 / 4 ? quiet + 1 : 0;
            before = now;
        }
        double waited = (System.nanoTime() - start) / 1e9;
        System.out.printf("machine %s after %.0f s (load average %s)%n", quiet >= 3 ? "quiet" : "still busy", waited,
                GeofenceBenchmark.loadAverage());
        return waited;
    }

    /** All and idle (idle + iowait) CPU ticks of the machine, from /proc/stat. */
    private static long[] cpuTicks() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < f.length; i++) {
                total += Long.parseLong(f[i]);
            }
            return new long[] { total, Long.parseLong(f[4]) + Long.parseLong(f[5]) };
        } catch (Exception e) {
            return new long[] { 0, 0 };
        }
    }

    // ------------------------------------------------------------------------------------------------ h2load

    private static String h2loadVersion() {
        try {
            Process p = new ProcessBuilder("h2load", "--version").redirectErrorStream(true).start();
            String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor(10, TimeUnit.SECONDS);
            return v;
        } catch (Exception e) {
            throw new IllegalStateException("h2load is not installed (Debian: apt-get install nghttp2-client)", e);
        }
    }

    /** h2load for {@code duration} seconds after {@code warmupSeconds} of warm-up; its output in h2load-KEY-ROUND.txt. */
    private H2load h2load(RunSpec r, String round, GrpcBodies.Body body, Path bodyDir, String token, int duration,
            int warmupSeconds) throws Exception {
        return h2load(r, round, body, bodyDir, token, duration, warmupSeconds, List.of());
    }

    private H2load h2load(RunSpec r, String round, GrpcBodies.Body body, Path bodyDir, String token, int duration,
            int warmupSeconds, List<String> extra) throws Exception {
        List<String> command = new ArrayList<>(List.of("h2load", "-c", Integer.toString(r.connections), "-m",
                Integer.toString(r.streams), "-t", Integer.toString(Math.min(h2loadThreads, r.connections)), "-D", duration + "s"));
        if (warmupSeconds > 0) {
            command.addAll(List.of("--warm-up-time", warmupSeconds + "s"));
        }
        command.addAll(List.of("-H", "content-type: application/grpc", "-H", "te: trailers"));
        if (token != null) {
            command.add("-H");
            command.add("authorization: Bearer " + token);
        }
        command.addAll(extra);
        command.add("-d");
        command.add(body.file(bodyDir).toString());
        command.add("http://" + geofenceAddress + body.path());
        Path output = out.resolve("h2load-" + r.key + "-" + round + ".txt");
        // the command without the token, for the record
        String shown = String.join(" ", command.stream().map(a -> a.startsWith("authorization:") ? "'authorization: Bearer $TOKEN'"
                : a.contains(" ") ? "'" + a + "'" : a).toList());
        Files.writeString(output, "$ " + shown + "\n");
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile())).start();
        if (!p.waitFor(duration + warmupSeconds + 120L, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("h2load did not finish; see " + output);
        }
        String text = Files.readString(output);
        Matcher finished = Pattern.compile("finished in [^,]+, ([\\d.]+) req/s").matcher(text);
        Matcher requests = Pattern.compile("requests: (\\d+) total, (\\d+) started, (\\d+) done, (\\d+) succeeded, (\\d+) failed,"
                + " (\\d+) errored, (\\d+) timeout").matcher(text);
        Matcher status = Pattern.compile("status codes: (\\d+) 2xx").matcher(text);
        Matcher time = Pattern.compile("time for request:\\s+(\\S+)\\s+(\\S+)\\s+(\\S+)").matcher(text);
        if (p.exitValue() != 0 || !finished.find() || !requests.find()) {
            throw new IllegalStateException("h2load failed (exit " + p.exitValue() + "); see " + output + ":\n" + text);
        }
        boolean timed = time.find();
        return new H2load(Double.parseDouble(finished.group(1)), Long.parseLong(requests.group(1)), Long.parseLong(requests.group(4)),
                Long.parseLong(requests.group(5)), Long.parseLong(requests.group(6)), Long.parseLong(requests.group(7)),
                status.find() ? Long.parseLong(status.group(1)) : -1, timed ? time.group(3) : "n/a", timed ? time.group(2) : "n/a",
                output);
    }

    /** What each body's answers must be, besides grpc-status OK: null when right, else what is wrong. */
    private Map<String, Function<List<byte[]>, String>> answerChecks(Map<String, GrpcBodies.Body> bodies, Chosen allow, Chosen deny)
            throws IOException {
        Map<String, Function<List<byte[]>, String>> checks = new HashMap<>();
        checks.put("health", answers -> parse(answers, 1, bytes -> {
            HealthCheckResponse r = HealthCheckResponse.parseFrom(bytes);
            return r.getStatus() == HealthCheckResponse.ServingStatus.SERVING ? null : "health " + r.getStatus();
        }));
        byte[] payload = EchoRequest.parseFrom(bodies.get("echo").messages().get(0)).getPayload().toByteArray();
        checks.put("echo", answers -> parse(answers, 1, bytes -> Arrays.equals(EchoResponse.parseFrom(bytes).getPayload()
                .toByteArray(), payload) ? null : "echo answered another payload"));
        checks.put("check-allow", answers -> parse(answers, 1, bytes -> verdict(CheckPermissionResponse.parseFrom(bytes), allow)));
        checks.put("check-deny", answers -> parse(answers, 1, bytes -> verdict(CheckPermissionResponse.parseFrom(bytes), deny)));
        checks.put("stream", answers -> {
            if (answers.size() != streamMessages) {
                return answers.size() + " answers on a stream of " + streamMessages + " checks";
            }
            for (int i = 0; i < answers.size(); i++) {
                String problem;
                try {
                    StreamChecksResponse r = StreamChecksResponse.parseFrom(answers.get(i));
                    problem = !r.hasResult() ? "check " + r.getCorrelationId() + " of the stream failed: " + r.getError()
                            : !r.getCorrelationId().equals(Integer.toString(i + 1)) ? "answer " + (i + 1) + " has correlation id "
                                    + r.getCorrelationId() : verdict(r.getResult(), allow);
                } catch (IOException e) {
                    problem = "not a StreamChecksResponse: " + e.getMessage();
                }
                if (problem != null) {
                    return problem;
                }
            }
            return null;
        });
        return checks;
    }

    private static String verdict(CheckPermissionResponse r, Chosen expected) {
        return r.getVerdict() == expected.answer.getVerdict() ? null
                : "verdict " + r.getVerdict() + " " + r.getReasonsList() + ", expected " + expected.answer.getVerdict();
    }

    interface Parser {
        String check(byte[] bytes) throws IOException;
    }

    private static String parse(List<byte[]> answers, int expected, Parser parser) {
        if (answers.size() != expected) {
            return answers.size() + " answers, expected " + expected;
        }
        try {
            return parser.check(answers.get(0));
        } catch (IOException e) {
            return "unreadable answer: " + e.getMessage();
        }
    }

    /**
     * Sends the body's messages again, {@code calls} times (32 at a time), through grpc-java with the same
     * method and token, and counts the calls whose grpc-status is OK and whose answers are right.
     */
    private static Verification verify(ManagedChannel channel, GrpcBodies.Body body, String token, int calls,
            Function<List<byte[]>, String> answerCheck) throws InterruptedException {
        MethodDescriptor<byte[], byte[]> method = MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(body.stream() ? MethodDescriptor.MethodType.BIDI_STREAMING : MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(body.path().substring(1)).setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();
        Metadata headers = token == null ? new Metadata() : bearer(token);
        Semaphore inFlight = new Semaphore(32);
        List<CompletableFuture<String>> outcomes = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            inFlight.acquire();
            CompletableFuture<String> outcome = new CompletableFuture<>();
            outcome.whenComplete((x, y) -> inFlight.release());
            List<byte[]> answers = java.util.Collections.synchronizedList(new ArrayList<>());
            ClientCall<byte[], byte[]> call = channel.newCall(method, CallOptions.DEFAULT.withDeadlineAfter(60, TimeUnit.SECONDS));
            call.start(new ClientCall.Listener<>() {
                @Override
                public void onMessage(byte[] message) {
                    answers.add(message);
                }

                @Override
                public void onClose(Status status, Metadata trailers) {
                    outcome.complete(status.isOk() ? answerCheck.apply(answers)
                            : "grpc-status " + status.getCode().value() + " " + status.getCode() + ": " + status.getDescription());
                }
            }, headers);
            call.request(Integer.MAX_VALUE);
            for (byte[] m : body.messages()) {
                call.sendMessage(m);
            }
            call.halfClose();
            outcomes.add(outcome);
        }
        int ok = 0;
        String first = null;
        for (CompletableFuture<String> f : outcomes) {
            String problem;
            try {
                problem = f.get(120, TimeUnit.SECONDS);
            } catch (Exception e) {
                problem = "no answer: " + e;
            }
            if (problem == null) {
                ok++;
            } else if (first == null) {
                first = problem;
            }
        }
        return new Verification(calls, ok, first);
    }

    // ------------------------------------------------------------------------------------------------ pgbench

    /**
     * The same polygons into PostGIS ({@link GeofenceBenchmark#loadPostgis}), then pgbench with a script of one
     * prepared {@code ST_Covers} point query at a uniform random position of the zones' area (as the check
     * positions are): a warm-up run, then the measured one.
     */
    private void pgbench(List<GeofenceZones.Spec> specs) throws Exception {
        String url = options.getOrDefault("postgis", "jdbc:postgresql://127.0.0.1:5432/robotid_postgis_hotpaths?user=postgres");
        GeofenceBenchmark.loadPostgis(url, specs);
        int clients = Integer.parseInt(options.getOrDefault("pg-clients", "8"));
        int threads = Integer.parseInt(options.getOrDefault("pg-threads", "2"));
        long span = Math.round(GeofenceZones.SPAN * 1e7);
        Path script = out.resolve("pgbench-st_covers.sql");
        Files.writeString(script, String.format(Locale.ROOT, """
                -- one ST_Covers point query at a uniform random position of the zones' area (7 decimals)
                \\set lon %.1f + random(0, %d) / 10000000.0
                \\set lat %.1f + random(0, %d) / 10000000.0
                SELECT id FROM bench_zone WHERE ST_Covers(geom, ST_SetSRID(ST_MakePoint(:lon::float8, :lat::float8), 4326));
                """, GeofenceZones.MIN_LON, span - 1, GeofenceZones.MIN_LAT, span - 1));
        String version = run(List.of("pgbench", "--version"), null, 30).trim();
        List<String> base = List.of("pgbench", "-n", "-M", "prepared", "-c", Integer.toString(clients), "-j", Integer.toString(threads),
                "-f", script.toString(), "-h", options.getOrDefault("pg-host", "127.0.0.1"), "-p",
                options.getOrDefault("pg-port", "5432"), "-U", options.getOrDefault("pg-user", "postgres"));
        String db = options.getOrDefault("pg-db", "robotid_postgis_hotpaths");
        List<String> warm = new ArrayList<>(base);
        warm.addAll(List.of("-T", Integer.toString(Math.max(1, warmup)), db));
        run(warm, out.resolve("pgbench-warmup.txt"), warmup + 120);
        List<String> measured = new ArrayList<>(base);
        measured.addAll(List.of("-T", Integer.toString(seconds), db));
        String text = run(measured, out.resolve("pgbench.txt"), seconds + 120);
        Matcher tps = Pattern.compile("tps = ([\\d.]+) \\(without initial connection time\\)").matcher(text);
        Matcher latency = Pattern.compile("latency average = ([\\d.]+) ms").matcher(text);
        if (!tps.find()) {
            throw new IllegalStateException("no tps in pgbench's output:\n" + text);
        }
        double rate = Double.parseDouble(tps.group(1));
        String avg = latency.find() ? latency.group(1) : "n/a";
        System.out.printf("%s, %d clients, %d threads, -M prepared, %d s after a %d s warm-up run: %,.0f queries/s (tps), latency"
                + " average %s ms (script %s)%n", version, clients, threads, seconds, warmup, rate, avg, out.getParent().relativize(script));
        results.put("pgbench.tps", rate);
        results.put("pgbench.latency_ms", avg);
        results.put("pgbench.clients", clients);
    }

    private static String run(List<String> command, Path output, long timeoutSeconds) throws Exception {
        ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true);
        String password = System.getenv("ROBOTID_DB_PASSWORD");
        if (password != null && !password.isEmpty()) {
            b.environment().put("PGPASSWORD", password);
        }
        Process p = b.start();
        byte[] bytes = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not finish");
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (output != null) {
            Files.writeString(output, "$ " + String.join(" ", command) + "\n" + text);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed (exit " + p.exitValue() + "):\n" + text);
        }
        return text;
    }

    // ------------------------------------------------------------------------------------------------ latency

    private void latency(CheckPermissionRequest allow, String robotId, double saturation) throws Exception {
        if (!measurable(saturation)) {
            return;
        }
        String robotToken = token(issuer, "ROBOT", "robot_id", robotId);
        int channelCount = Integer.parseInt(options.getOrDefault("channels", "4"));
        List<ManagedChannel> channels = new ArrayList<>();
        GeofenceServiceGrpc.GeofenceServiceStub[] stubs = new GeofenceServiceGrpc.GeofenceServiceStub[channelCount];
        for (int i = 0; i < channelCount; i++) {
            String[] hp = geofenceAddress.split(":");
            ManagedChannel c = ManagedChannelBuilder.forAddress(hp[0], Integer.parseInt(hp[1])).usePlaintext().directExecutor()
                    .maxInboundMessageSize(16 * 1024 * 1024).build();
            channels.add(c);
            stubs[i] = GeofenceServiceGrpc.newStub(c).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(robotToken)));
        }
        try {
            GeofenceBenchmark generator = geofenceBench(Map.of());
            GeofenceBenchmark.Call call = (i, done) -> stubs[i % stubs.length].withDeadlineAfter(60, TimeUnit.SECONDS)
                    .checkPermission(allow, GeofenceBenchmark.observer(done));
            System.out.printf("%-28s %10s %10s %9s %9s %9s %9s %8s %8s%n", "run", "target/s", "achieved/s", "p50 ms", "p99 ms",
                    "p99.9 ms", "max ms", "svc CPU", "receipts");
            System.out.printf("%-28s %10s %10s %9s %9s %9s %9s %8s %8s%n", "", "", "", "", "", "", "", "us/call", "/sig");
            String[] fractions = fractions();
            for (String f : fractions) {
                double rate = rate(f, saturation);
                GeofenceBenchmark.Run r = generator.openLoop("check", call, rate);
                putLatency("latency." + f, rate, r.achieved, r.latency, r.sustained());
            }
            results.put("latency.fractions", String.join(",", fractions));
        } finally {
            channels.forEach(ManagedChannel::shutdownNow);
        }
    }

    /** One fixed-rate h2load run: the rate asked and reached, and the percentiles of its measured window. */
    record RateRun(double rate, double achieved, org.HdrHistogram.Histogram latency, long notOk, long failures) {
        boolean sustained() {
            return achieved >= 0.95 * rate && notOk == 0 && failures == 0;
        }

        double ms(double percentile) {
            return GeofenceBenchmark.ms(latency, percentile);
        }
    }

    /**
     * Latency at fixed rates with h2load: {@code --rps} per connection, every request's time in its
     * {@code --log-file}, percentiles over the measured window. A load tool in C, so that the generator's
     * own JIT, GC and grpc-java stack (which share the two cores with the service) are not in the figure.
     * At each rate the floor (Health/Check, no token) runs first at the same rate: what this machine, its
     * network stack and the service's transport give a call that does nothing. h2load times a request from
     * when it is written, not from when it was due; with connections x streams far above rate x latency a
     * request is written when it is due, and each run says whether its rate was reached.
     */
    private void h2loadLatency(Map<String, GrpcBodies.Body> bodies, Path bodyDir, String robotId, double saturation)
            throws Exception {
        if (!measurable(saturation)) {
            return;
        }
        String token = token(issuer, "ROBOT", "robot_id", robotId);
        String[] fractions = fractions();
        System.out.printf("%-34s %10s %10s %9s %9s %9s %9s%n", "run", "target/s", "achieved/s", "p50 ms", "p99 ms", "p99.9 ms",
                "max ms");
        for (String f : fractions) {
            double rate = rate(f, saturation);
            for (String kind : List.of("floor", "allow")) {
                boolean floor = kind.equals("floor");
                RateRun run = atRate(floor ? bodies.get("health") : bodies.get("check-allow"), bodyDir, floor ? null : token, rate,
                        kind + "-" + f);
                putLatency("latency_h2load." + (floor ? "floor." : "") + f, rate, run.achieved(), run.latency(), run.sustained());
                System.out.printf(Locale.ROOT, "%-34s %,10.0f %,10.0f %9.2f %9.2f %9.2f %9.2f%s%n",
                        (floor ? "Health/Check (floor) at " : "CheckPermission ALLOW at ") + f, rate, run.achieved(),
                        run.ms(50), run.ms(99), run.ms(99.9), run.latency().getMaxValue() / 1000.0, run.sustained() ? ""
                                : "   NOT SUSTAINED (" + run.notOk() + " not HTTP 200, " + run.failures() + " h2load failures)");
            }
        }
        results.put("latency_h2load.fractions", String.join(",", fractions));
    }

    /** Latency is measured at fractions of a saturation figure; none (a failed h2load run): said, and skipped. */
    private static boolean measurable(double saturation) {
        if (Double.isNaN(saturation) || saturation <= 0) {
            System.out.println("no saturation figure for CheckPermission ALLOW: latency not measured");
            return false;
        }
        return true;
    }

    /** The fractions of saturation latency is measured at ({@code --rates}). */
    private String[] fractions() {
        return java.util.Arrays.stream(options.getOrDefault("rates", "0.1,0.25,0.5").split(",")).map(String::trim)
                .toArray(String[]::new);
    }

    private static double rate(String fraction, double saturation) {
        return Math.max(1, Math.round(Double.parseDouble(fraction) * saturation));
    }

    /** One latency run's figures under {@code key} (read by {@link HotPathsSummary}). */
    private void putLatency(String key, double rate, double achieved, org.HdrHistogram.Histogram latency, boolean sustained) {
        results.put(key + ".rate", rate);
        results.put(key + ".achieved", achieved);
        results.put(key + ".p50", GeofenceBenchmark.ms(latency, 50));
        results.put(key + ".p99", GeofenceBenchmark.ms(latency, 99));
        results.put(key + ".p999", GeofenceBenchmark.ms(latency, 99.9));
        results.put(key + ".max", latency.getMaxValue() / 1000.0);
        results.put(key + ".sustained", sustained);
    }

    /** h2load at a fixed rate (spread over the connections); the requests of its last {@code seconds} timed. */
    private RateRun atRate(GrpcBodies.Body body, Path bodyDir, String token, double rate, String key) throws Exception {
        RunSpec spec = new RunSpec("latency-" + key, key, body.name(), token != null, connections, streams);
        Path log = out.resolve("h2load-latency-" + key + ".log");
        Files.deleteIfExists(log);
        H2load h = h2load(spec, "rate", body, bodyDir, token, seconds, warmup,
                List.of("--rps", String.format(Locale.ROOT, "%.3f", rate / connections), "--log-file", log.toString()));
        // columns: start (us since the epoch), HTTP status, us to the end of the response; the requests of the
        // last `seconds` count (this h2load leaves its warm-up out of the file; one that wrote it would be cut)
        List<long[]> rows = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            String[] c = line.split("\\t");
            if (c.length >= 3) {
                rows.add(new long[] { Long.parseLong(c[0]), Long.parseLong(c[1]), Long.parseLong(c[2]) });
            }
        }
        long last = rows.stream().mapToLong(row -> row[0]).max().orElse(0);
        long to = last + 1, from = to - seconds * 1_000_000L;
        org.HdrHistogram.Histogram latency = new org.HdrHistogram.Histogram(TimeUnit.SECONDS.toMicros(120), 3);
        long notOk = 0;
        for (long[] row : rows) {
            // status 0: a request still open when h2load stopped (its failures are counted by h2load itself)
            if (row[0] >= from && row[0] < to && row[1] != 0) {
                if (row[1] != 200) {
                    notOk++;
                }
                latency.recordValue(Math.max(1, row[2]));
            }
        }
        return new RateRun(rate, latency.getTotalCount() / (double) seconds, latency, notOk, h.failed + h.errored + h.timeout);
    }

    // ------------------------------------------------------------------------------------------------ database

    private static long count(String url, String query) {
        if (url == null) {
            return -1;
        }
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        } catch (Exception e) {
            System.out.printf("  (cannot count: %s)%n", e.getMessage());
            return -1;
        }
    }

    /** The count once it stopped growing for 2 s (queued denials written), at most after 120 s. */
    private static long settledCount(String url, String query) throws InterruptedException {
        long last = count(url, query);
        long stableSince = System.nanoTime();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < until) {
            Thread.sleep(250);
            long now = count(url, query);
            if (now != last) {
                last = now;
                stableSince = System.nanoTime();
            } else if (System.nanoTime() - stableSince > TimeUnit.SECONDS.toNanos(2)) {
                break;
            }
        }
        return last;
    }

    // ------------------------------------------------------------------------------------------------ summary

    /**
     * The summary: every figure of {@code results.properties} and the JMH result files with its floor and the
     * issue's target. {@code java -jar bench/target/quarkus-app/quarkus-run.jar hotpaths-summary --out DIR}.
     */
    static int summary(Map<String, String> options) throws IOException {
        Path out = Path.of(options.getOrDefault("out", "bench/target/hotpaths")).toAbsolutePath();
        Results r = new Results(out.resolve("results.properties"));
        HotPathsSummary s = new HotPathsSummary(r, out, options);
        String text = s.render();
        System.out.print(text);
        Files.writeString(out.resolve("summary.txt"), text);
        return 0;
    }
}
