package io.robotid.bench;

import static io.robotid.bench.IssuanceBenchmark.bearer;
import static io.robotid.bench.IssuanceBenchmark.channel;
import static io.robotid.bench.IssuanceBenchmark.token;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.HdrHistogram.Histogram;

import io.grpc.ManagedChannel;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import io.robotid.proto.identity.v1.IdentityServiceGrpc;
import io.robotid.proto.identity.v1.IssueIdentitiesRequest;
import io.robotid.proto.lifecycle.v1.*;

/**
 * Appends events for many robots through lifecycle-service's RecordEvents (validation, rights,
 * state machine, hash chain, projection, idempotency record: everything a real append does) into
 * the real database, then inserts as many rows of the same shape into an identical table with
 * plain batched INSERTs, and prints events per second for both and their ratio. Then times
 * FindRobots and ListAffectedRobots for selective criteria on that data (p50, p99).
 *
 * <p>{@code bench/lifecycle.sh [--robots 10000] [--events 1000000] [--streams 8]}
 */
public class LifecycleBenchmark {

    public int run(Map<String, String> options) throws Exception {
        int robots = Integer.parseInt(options.getOrDefault("robots", "10000"));
        int events = Integer.parseInt(options.getOrDefault("events", "1000000"));
        int streams = Integer.parseInt(options.getOrDefault("streams", "8"));
        int queries = Integer.parseInt(options.getOrDefault("queries", "200"));
        String issuer = options.getOrDefault("issuer", "http://127.0.0.1:8090/robotid");
        String jdbc = options.getOrDefault("jdbc", "jdbc:postgresql://127.0.0.1:5432/robotid_lifecycle?user=postgres");
        int perRobot = Math.max(1, events / robots);
        System.out.printf("robotid lifecycle benchmark: %,d events for %,d robots (%d each), %d streams, %d cores%n",
                (long) perRobot * robots, robots, perRobot, streams, Runtime.getRuntime().availableProcessors());

        ManagedChannel filing = channel(options.getOrDefault("filing", "127.0.0.1:8102"));
        ManagedChannel identity = channel(options.getOrDefault("identity", "127.0.0.1:8101"));
        ManagedChannel lifecycle = channel(options.getOrDefault("lifecycle", "127.0.0.1:8103"));
        try (Autovacuum autovacuum = Autovacuum.on(jdbc)) {
            String regulator = token(issuer, "REGULATOR", null);
            IssuanceBenchmark.Filed filed = IssuanceBenchmark.file(filing, regulator, issuer);
            String maker = token(issuer, "MANUFACTURER", filed.manufacturerCode());
            String serviceProvider = token(issuer, "SERVICE_PROVIDER", null);
            List<String> ids = new ArrayList<>();
            IdentityServiceGrpc.newBlockingStub(identity).withDeadlineAfter(30, TimeUnit.MINUTES)
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(maker)))
                    .issueIdentities(IssueIdentitiesRequest.newBuilder().setRequestId(UUID.randomUUID().toString())
                            .setModelCode(filed.modelCode()).setSiteCode(filed.siteCode()).setProductionYear(26)
                            .setCount(robots).build())
                    .forEachRemaining(chunk -> chunk.getIdentitiesList().forEach(i -> ids.add(i.getRobotId())));
            System.out.printf("issued %,d robot IDs for the run%n", ids.size());

            // Every robot is produced (manufacturer) and then maintained (service provider) perRobot - 1 times.
            long started = System.nanoTime();
            long recorded = upload(lifecycle, maker, streams, ids, 1, robot -> produced(robot, ids.indexOf(robot)))
                    + upload(lifecycle, serviceProvider, streams, ids, perRobot - 1, LifecycleBenchmark::maintenance);
            double appendSeconds = (System.nanoTime() - started) / 1e9;
            double appendRate = recorded / appendSeconds;

            int singleRate = Integer.parseInt(options.getOrDefault("single-rate", "1000"));
            int singleSeconds = Integer.parseInt(options.getOrDefault("single-seconds", "10"));
            // on a settled registry: the log integrated, not the backlog of the appends above
            LifecycleScaleBenchmark.settle(jdbc);
            fixedRate(lifecycle, serviceProvider, ids, singleRate, 2); // warm-up
            Histogram single = fixedRate(lifecycle, serviceProvider, ids, singleRate, singleSeconds);

            double insertRate = plainInserts(jdbc, recorded);

            Histogram find = time(queries, () -> LifecycleServiceGrpc.newBlockingStub(lifecycle)
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(regulator)))
                    .findRobots(FindRobotsRequest.newBuilder().setModelCode(filed.modelCode()).setPartNumber("MTR-100")
                            .addLots("L-7").setPageSize(500).build()).getRobotsCount());
            RecallCampaign campaign = LifecycleServiceGrpc.newBlockingStub(lifecycle).withDeadlineAfter(30, TimeUnit.MINUTES)
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(maker)))
                    .createRecallCampaign(CreateRecallCampaignRequest.newBuilder()
                            .setRequestId(UUID.randomUUID().toString()).setTitle("bench").setDescription("bench")
                            .setSeverity(RecallSeverity.RECALL_SEVERITY_ADVISORY)
                            .setCriteria(RecallCriteria.newBuilder().addModelCodes(filed.modelCode())
                                    .setPartNumber("MTR-100").addLots("L-7"))
                            .build()).getCampaign();
            Histogram affected = time(queries, () -> LifecycleScaleBenchmark.affected(LifecycleServiceGrpc.newStub(lifecycle)
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(regulator))),
                    ListAffectedRobotsRequest.newBuilder().setCampaignId(campaign.getCampaignId()).build(), robot -> {
                    }));

            System.out.println();
            System.out.printf("appended through RecordEvents: %,d events in %.1f s = %,10.0f events/s%n", recorded,
                    appendSeconds, appendRate);
            System.out.printf("plain batched INSERTs (same rows):               = %,10.0f rows/s%n", insertRate);
            System.out.printf("ratio append / raw insert: %.2f   (target: >= 20,000 events/s and >= 0.5)%n",
                    appendRate / insertRate);
            System.out.printf("RecordEvent one at a time, open loop at %,d/s for %d s: p50 %.1f ms  p99 %.1f ms  p99.9 %.1f ms"
                    + "   (target p99 < 20 ms)%n", singleRate, singleSeconds, single.getValueAtPercentile(50) / 1000.0,
                    single.getValueAtPercentile(99) / 1000.0, single.getValueAtPercentile(99.9) / 1000.0);
            System.out.printf("FindRobots (model + part + lot, %d of %d robots): p50 %.1f ms  p99 %.1f ms%n",
                    robots / 10, robots, find.getValueAtPercentile(50) / 1000.0, find.getValueAtPercentile(99) / 1000.0);
            System.out.printf("ListAffectedRobots (%d robots): p50 %.1f ms  p99 %.1f ms   (target p99 < 100 ms)%n",
                    campaign.getAffected(), affected.getValueAtPercentile(50) / 1000.0,
                    affected.getValueAtPercentile(99) / 1000.0);
            return 0;
        } finally {
            filing.shutdownNow();
            identity.shutdownNow();
            lifecycle.shutdownNow();
        }
    }

    /**
     * Single RecordEvent calls sent open loop at {@code rate} per second (each at its scheduled time, whether
     * or not earlier ones were answered), each a maintenance event of the next robot; the latency of each is
     * counted from its scheduled time, so that a stall counts against every call it delayed.
     */
    private static Histogram fixedRate(ManagedChannel channel, String token, List<String> robots, int rate, int seconds)
            throws Exception {
        var stub = LifecycleServiceGrpc.newFutureStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(token)));
        Histogram micros = new Histogram(TimeUnit.MINUTES.toMicros(1), 3);
        java.util.concurrent.atomic.AtomicLong failed = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.Phaser inFlight = new java.util.concurrent.Phaser(1);
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
        long calls = (long) rate * seconds;
        long seconds0 = System.currentTimeMillis() / 1000 - 60;
        for (long i = 0; i < calls; i++) {
            long due = start + i * 1_000_000_000L / rate;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(wait);
            }
            inFlight.register();
            var answer = stub.withDeadlineAfter(30, TimeUnit.SECONDS).recordEvent(RecordEventRequest.newBuilder()
                    .setRequestId(UUID.randomUUID().toString()).setRobotId(robots.get((int) (i % robots.size())))
                    .setOccurredAt(com.google.protobuf.Timestamp.newBuilder().setSeconds(seconds0))
                    .setPayload(maintenance(null)).build());
            answer.addListener(() -> {
                try {
                    answer.get();
                    synchronized (micros) {
                        micros.recordValue(Math.max(0, TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - due)));
                    }
                } catch (Exception e) {
                    failed.incrementAndGet();
                } finally {
                    inFlight.arriveAndDeregister();
                }
            }, Runnable::run);
        }
        inFlight.arriveAndAwaitAdvance();
        if (failed.get() > 0) {
            System.out.printf("RecordEvent one at a time: %,d of %,d calls failed%n", failed.get(), calls);
        }
        return micros;
    }

    /** Streams {@code each} events per robot, robots split over {@code streams} parallel RecordEvents calls. */
    private static long upload(ManagedChannel channel, String token, int streams, List<String> robots, int each,
            java.util.function.Function<String, EventPayload> payload) throws Exception {
        if (each <= 0) {
            return 0;
        }
        ExecutorService pool = Executors.newFixedThreadPool(streams);
        try {
            List<Future<Long>> parts = new ArrayList<>();
            for (int s = 0; s < streams; s++) {
                int stream = s;
                parts.add(pool.submit(() -> {
                    List<RecordEventRequest> requests = new ArrayList<>();
                    long seconds = System.currentTimeMillis() / 1000 - 3600;
                    for (int round = 0; round < each; round++) {
                        for (int r = stream; r < robots.size(); r += streams) {
                            String robot = robots.get(r);
                            requests.add(RecordEventRequest.newBuilder()
                                    .setRequestId(UUID.randomUUID().toString()).setRobotId(robot)
                                    .setOccurredAt(com.google.protobuf.Timestamp.newBuilder().setSeconds(seconds + round))
                                    .setPayload(payload.apply(robot)).build());
                        }
                    }
                    RecordEventsResponse response = recordEvents(channel, token, requests);
                    if (response.getRefusedCount() > 0) {
                        System.out.println("refused: " + response.getRefused(0));
                    }
                    return (long) response.getRecorded();
                }));
            }
            long total = 0;
            for (Future<Long> part : parts) {
                total += part.get();
            }
            return total;
        } finally {
            pool.shutdown();
        }
    }

    /** One RecordEvents call: sends the requests in order, half-closes, and waits for the answer. */
    /**
     * One RecordEvents stream of {@code requests}, each sent when the transport is ready for it (as a client should:
     * lifecycle-service takes a stream's events a batch at a time, and the rest wait here).
     */
    static RecordEventsResponse recordEvents(ManagedChannel channel, String token, List<RecordEventRequest> requests)
            throws Exception {
        CompletableFuture<RecordEventsResponse> answer = new CompletableFuture<>();
        LifecycleServiceGrpc.newStub(channel)
                .withDeadlineAfter(2, TimeUnit.HOURS)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(token)))
                .recordEvents(new ClientResponseObserver<RecordEventsRequest, RecordEventsResponse>() {
                    private int next;

                    @Override
                    public void beforeStart(ClientCallStreamObserver<RecordEventsRequest> stream) {
                        stream.setOnReadyHandler(() -> {
                            while (stream.isReady() && next < requests.size()) {
                                stream.onNext(RecordEventsRequest.newBuilder().setEvent(requests.get(next++)).build());
                                if (next == requests.size()) {
                                    stream.onCompleted();
                                }
                            }
                        });
                    }

                    @Override
                    public void onNext(RecordEventsResponse value) {
                        answer.complete(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        answer.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        return answer.get(2, TimeUnit.HOURS);
    }

    private static EventPayload produced(String robot, int index) {
        return EventPayload.newBuilder().setProduced(Produced.newBuilder().setBuildDate("2026-11-20")
                .setFirmwareVersion("3.1." + (index % 10)).setFactoryTestPassed(true)
                .addComponents(Component.newBuilder().setPartNumber("MTR-100").setLot("L-" + (index % 10)).setSerial("M" + index))
                .addComponents(Component.newBuilder().setPartNumber("BAT-9").setLot("B-" + (index % 7)).setSerial("B" + index)))
                .build();
    }

    private static EventPayload maintenance(String robot) {
        return EventPayload.newBuilder().setMaintenancePerformed(MaintenancePerformed.newBuilder()
                .setDescription("periodic check").setInspection(true)).build();
    }

    /**
     * The floor: the rows the appends just stored, read back and inserted again into a scratch table of the same
     * shape and indexes as {@code event} with plain batched INSERTs (1,000 a batch, a commit per batch, one
     * connection). Only the inserts and commits are timed, not the reads. The scratch table has no foreign key,
     * which favours the floor.
     */
    static double plainInserts(String jdbc, long rows) throws Exception {
        String columns = "robot_id, sequence, type, occurred_at, previous_hash, hash, body, seal_version, payload,"
                + " payload_salt, recorder_subject, recorder_organisation, recorder_salt";
        try (Connection reader = DriverManager.getConnection(jdbc); Connection connection = DriverManager.getConnection(jdbc);
                Statement sql = connection.createStatement()) {
            sql.execute("drop table if exists bench_event_copy");
            sql.execute("create table bench_event_copy (like event including defaults including indexes)");
            connection.setAutoCommit(false);
            reader.setAutoCommit(false);
            long insertNanos = 0;
            long inserted = 0;
            try (PreparedStatement read = reader.prepareStatement("select " + columns + " from event limit ?");
                    PreparedStatement insert = connection.prepareStatement("insert into bench_event_copy (" + columns
                            + ") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                read.setFetchSize(1000);
                read.setLong(1, rows);
                try (java.sql.ResultSet stored = read.executeQuery()) {
                    while (stored.next()) {
                        for (int c = 1; c <= 13; c++) {
                            insert.setObject(c, stored.getObject(c));
                        }
                        insert.addBatch();
                        if (++inserted % 1000 == 0) {
                            long t0 = System.nanoTime();
                            insert.executeBatch();
                            connection.commit();
                            insertNanos += System.nanoTime() - t0;
                        }
                    }
                }
                long t0 = System.nanoTime();
                insert.executeBatch();
                connection.commit();
                insertNanos += System.nanoTime() - t0;
            }
            connection.setAutoCommit(true);
            sql.execute("drop table bench_event_copy");
            return inserted / (insertNanos / 1e9);
        }
    }

    /** {@code runs} sequential calls of {@code query} after up to 20 to warm up: their latencies in microseconds. */
    static Histogram time(int runs, Supplier<Integer> query) {
        for (int i = 0; i < Math.min(20, runs); i++) {
            query.get(); // warm up
        }
        Histogram micros = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            query.get();
            micros.recordValue(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - t0));
        }
        return micros;
    }
}
