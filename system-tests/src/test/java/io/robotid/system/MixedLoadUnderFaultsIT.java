package io.robotid.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.robotid.proto.geofence.v1.CheckPermissionRequest;
import io.robotid.proto.geofence.v1.CheckPermissionResponse;
import io.robotid.proto.geofence.v1.DenialReason;
import io.robotid.proto.geofence.v1.GeofenceServiceGrpc;
import io.robotid.proto.geofence.v1.Position;
import io.robotid.proto.identity.v1.Identity;
import io.robotid.proto.identity.v1.IdentityServiceGrpc;
import io.robotid.proto.identity.v1.IssueIdentitiesRequest;
import io.robotid.proto.lifecycle.v1.LifecycleServiceGrpc;
import io.robotid.proto.lifecycle.v1.RecordEventRequest;
import io.robotid.proto.lifecycle.v1.VerifyChainRequest;
import io.robotid.system.support.Events;
import io.robotid.system.support.FaultyLink;
import io.robotid.system.support.LoadReport;
import io.robotid.system.support.Registrations;
import io.robotid.system.support.Registry;

/**
 * A sustained mixed load on the whole registry (issuances, lifecycle events, geofence checks) for
 * a bounded time and a bounded number of requests, while faults are injected in a cycle: the link
 * from identity- to filing-service cut, lifecycle-service killed (-9) and restarted, geofence's
 * link to the lifecycle feed made slow. Error counts and latency percentiles per operation are
 * printed (and written to {@code system-tests/target/reliability/mixed-load-under-faults.txt}).
 *
 * <p>Expected: calls fail only UNAVAILABLE or DEADLINE_EXCEEDED; geofence checks never fail;
 * every acknowledged write is there afterwards; every failed write sent again with its request id
 * is stored once; every chain verifies.
 *
 * <p>The README's test command runs it for {@value #DEFAULT_SECONDS} s (one fault cycle);
 * {@code -Drobotid.load.seconds=600 -Drobotid.load.max-requests=1000000} runs it longer.
 */
class MixedLoadUnderFaultsIT {
    static final int DEFAULT_SECONDS = 60;
    /** One cycle of faults, repeated in longer runs. */
    static final Duration CYCLE = Duration.ofSeconds(60);
    static final int ROBOTS = 16;
    static final Set<Status.Code> RETRYABLE = Set.of(Status.Code.UNAVAILABLE, Status.Code.DEADLINE_EXCEEDED);
    static FaultyLink identityToFiling;
    static FaultyLink geofenceToLifecycle;
    static Registry registry;
    static Registrations maker;
    static List<String> robots;

    @BeforeAll
    static void start() {
        identityToFiling = new FaultyLink(Registry.PORTS.get("filing-service"));
        geofenceToLifecycle = new FaultyLink(Registry.PORTS.get("lifecycle-service"));
        registry = new Registry()
                .withEnvironment("identity-service", "ROBOTID_FILING_PORT", Integer.toString(identityToFiling.port()))
                .withEnvironment("geofence-service", "ROBOTID_LIFECYCLE_PORT", Integer.toString(geofenceToLifecycle.port()))
                .withEnvironment("geofence-service", "ROBOTID_FEEDS_MAX_RETRY", "2s")
                .start("filing-service", "identity-service", "lifecycle-service", "certification-service",
                        "geofence-service");
        maker = Registrations.accepted(registry, "Load Fault Robotics");
        robots = maker.issue(registry, ROBOTS);
        long at = System.currentTimeMillis() - 7_200_000;
        for (String robot : robots) {
            lifecycle(maker.manufacturerToken).recordEvent(Events.produced(robot, at));
        }
    }

    @AfterAll
    static void stop() {
        registry.close();
        identityToFiling.close();
        geofenceToLifecycle.close();
    }

    static LifecycleServiceGrpc.LifecycleServiceBlockingStub lifecycle(String token) {
        return Registry.as(LifecycleServiceGrpc.newBlockingStub(registry.channel("lifecycle-service")), token)
                .withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    static List<Identity> issue(IssueIdentitiesRequest request) {
        List<Identity> out = new ArrayList<>();
        Registry.as(IdentityServiceGrpc.newBlockingStub(registry.channel("identity-service")), maker.manufacturerToken)
                .withDeadlineAfter(10, TimeUnit.SECONDS).issueIdentities(request)
                .forEachRemaining(chunk -> out.addAll(chunk.getIdentitiesList()));
        return out;
    }

    static CheckPermissionResponse check(String token, String robot) {
        return Registry.as(GeofenceServiceGrpc.newBlockingStub(registry.channel("geofence-service")), token)
                .withDeadlineAfter(10, TimeUnit.SECONDS).checkPermission(CheckPermissionRequest.newBuilder()
                        .setRobotId(robot).setPosition(Position.newBuilder().setLatitude(48.1).setLongitude(11.5))
                        .setTaskCategory("wayfinding").build());
    }

    @Test
    void aMixedLoadUnderFaultsLosesNothingAndFailsOnlyRetryably() throws Exception {
        Duration length = Duration.ofSeconds(Long.getLong("robotid.load.seconds", DEFAULT_SECONDS));
        long maxRequests = Long.getLong("robotid.load.max-requests", 200_000);
        LoadReport report = new LoadReport("mixed-load-under-faults");
        String serviceProvider = registry.token("SERVICE_PROVIDER", "org_id", "svc-load");
        String regulator = registry.token("REGULATOR");
        String auditor = registry.token("AUDITOR");
        // geofence-service knows every robot before the load starts
        for (String robot : robots) {
            long until = System.currentTimeMillis() + 30_000;
            while (check(regulator, robot).getReasonsList().contains(DenialReason.DENIAL_REASON_ROBOT_UNKNOWN)
                    && System.currentTimeMillis() < until) {
                Thread.sleep(50);
            }
        }

        Map<String, IssueIdentitiesRequest> issuedOk = new ConcurrentHashMap<>();
        Map<String, List<Identity>> issuedIds = new ConcurrentHashMap<>();
        Queue<IssueIdentitiesRequest> issueFailed = new ConcurrentLinkedQueue<>();
        Set<String> recordedOk = ConcurrentHashMap.newKeySet();
        Queue<RecordEventRequest> recordFailed = new ConcurrentLinkedQueue<>();
        AtomicLong requests = new AtomicLong();
        AtomicBoolean loading = new AtomicBoolean(true);
        long endAt = System.nanoTime() + length.toNanos();
        java.util.function.BooleanSupplier go = () -> loading.get() && System.nanoTime() < endAt
                && requests.incrementAndGet() <= maxRequests;
        AtomicLong clock = new AtomicLong(System.currentTimeMillis() - 7_000_000);

        ExecutorService pool = Executors.newFixedThreadPool(6);
        List<Future<?>> workers = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
            List<String> mine = robots.subList(w * ROBOTS / 2, (w + 1) * ROBOTS / 2);
            workers.add(pool.submit(() -> {
                int n = 0;
                while (go.getAsBoolean()) {
                    RecordEventRequest event = Events.inspection(mine.get(n % mine.size()), clock.addAndGet(50), "load " + n++);
                    try {
                        report.time("RecordEvent", () -> lifecycle(serviceProvider).recordEvent(event));
                        recordedOk.add(event.getRequestId());
                    } catch (StatusRuntimeException e) {
                        recordFailed.add(event);
                        pause();
                    }
                }
            }));
        }
        workers.add(pool.submit(() -> {
            while (go.getAsBoolean()) {
                IssueIdentitiesRequest request = IssueIdentitiesRequest.newBuilder().setRequestId(UUID.randomUUID().toString())
                        .setModelCode(maker.modelCode).setSiteCode(maker.siteCode).setProductionYear(26).setCount(10).build();
                try {
                    issuedIds.put(request.getRequestId(), report.time("IssueIdentities", () -> issue(request)));
                    issuedOk.put(request.getRequestId(), request);
                } catch (StatusRuntimeException e) {
                    issueFailed.add(request);
                    pause();
                }
            }
        }));
        for (int w = 0; w < 2; w++) {
            workers.add(pool.submit(() -> {
                int n = 0;
                while (go.getAsBoolean()) {
                    String robot = robots.get(n++ % ROBOTS);
                    try {
                        report.time("CheckPermission", () -> check(regulator, robot));
                    } catch (StatusRuntimeException e) {
                        pause();
                    }
                }
            }));
        }

        // the faults, in a cycle: at 10 s the filing link is cut for 3 s, at 20 s lifecycle-service
        // is killed and started again, at 45 s geofence's lifecycle feed link is slowed by 4 s for 5 s
        long started = System.nanoTime();
        for (long cycle = 0; System.nanoTime() < endAt && loading.get(); cycle++) {
            long base = cycle * CYCLE.toMillis();
            if (!sleepUntil(started, base + 10_000, endAt)) {
                break;
            }
            identityToFiling.cut();
            report.note("fault: identity -> filing link cut for 3 s");
            sleepUntil(started, base + 13_000, Long.MAX_VALUE);
            identityToFiling.heal();
            if (!sleepUntil(started, base + 20_000, endAt)) {
                break;
            }
            registry.service("lifecycle-service").kill();
            report.note("fault: lifecycle-service killed (-9) and restarted");
            registry.startService("lifecycle-service", false);
            if (!sleepUntil(started, base + 45_000, endAt)) {
                break;
            }
            geofenceToLifecycle.delay(Duration.ofSeconds(4));
            report.note("fault: geofence -> lifecycle feed link 4 s slower for 5 s");
            sleepUntil(started, base + 50_000, Long.MAX_VALUE);
            geofenceToLifecycle.heal();
            sleepUntil(started, base + CYCLE.toMillis(), endAt);
        }
        loading.set(false);
        identityToFiling.heal();
        geofenceToLifecycle.heal();
        for (Future<?> worker : workers) {
            worker.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        String table = report.print();

        assertThat(report.failures().keySet()).as("failure codes\n" + table).isSubsetOf(RETRYABLE);
        assertThat(report.count("CheckPermission", Status.Code.OK)).isPositive();
        assertThat(report.failures("CheckPermission")).as("geofence checks never fail").isEmpty();
        assertThat(recordedOk).isNotEmpty();
        assertThat(issuedOk).isNotEmpty();

        // every acknowledged batch replays identically; every failed one, sent again, is issued once
        for (Map.Entry<String, List<Identity>> batch : issuedIds.entrySet()) {
            assertThat(SlowAndCutLinksIT.retried(() -> issue(issuedOk.get(batch.getKey()))))
                    .containsExactlyElementsOf(batch.getValue());
        }
        Set<String> ids = new HashSet<>(robots);
        issuedIds.values().forEach(batch -> batch.forEach(identity -> ids.add(identity.getRobotId())));
        for (IssueIdentitiesRequest request : issueFailed) {
            SlowAndCutLinksIT.retried(() -> issue(request)).forEach(identity ->
                    assertThat(ids.add(identity.getRobotId())).as("new ID %s", identity.getRobotId()).isTrue());
        }
        assertThat(ids).hasSize(ROBOTS + 10 * (issuedOk.size() + issueFailed.size()));
        // every acknowledged event is there once; every failed one, sent again, is there once
        for (RecordEventRequest event : recordFailed) {
            SlowAndCutLinksIT.retried(() -> lifecycle(serviceProvider).recordEvent(event));
        }
        Set<String> expected = new HashSet<>(recordedOk);
        recordFailed.forEach(event -> expected.add(event.getRequestId()));
        List<String> stored = new ArrayList<>();
        for (String robot : robots) {
            LifecycleCrashDuringAppendIT.allEvents(registry, auditor, robot).stream()
                    .filter(e -> e.getPayload().hasMaintenancePerformed())
                    .forEach(e -> stored.add(e.getRecorded().getRequestId()));
            assertThat(lifecycle(auditor).verifyChain(VerifyChainRequest.newBuilder().setRobotId(robot).build()).getIntact())
                    .as("chain of %s", robot).isTrue();
        }
        assertThat(stored).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expected);
        System.out.printf("acknowledged: %d issuances (%d IDs), %d events; failed and sent again: %d issuances, %d events;"
                + " lost: 0 (%d requests in %s)%n", issuedOk.size(), 10 * issuedOk.size(), recordedOk.size(), issueFailed.size(),
                recordFailed.size(), report.total(), length);
    }

    /** Sleeps until {@code offsetMs} after {@code started}; false (at once) if that is past {@code endAt}. */
    private static boolean sleepUntil(long started, long offsetMs, long endAt) throws InterruptedException {
        long target = started + TimeUnit.MILLISECONDS.toNanos(offsetMs);
        if (target >= endAt) {
            return false;
        }
        long wait = target - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
        return true;
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
