package io.robotid.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;


import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.robotid.proto.identity.v1.GetIdentityRequest;
import io.robotid.proto.identity.v1.Identity;
import io.robotid.proto.identity.v1.IdentityServiceGrpc;
import io.robotid.proto.identity.v1.IssueIdentitiesRequest;
import io.robotid.proto.lifecycle.v1.LifecycleServiceGrpc;
import io.robotid.proto.lifecycle.v1.RecordEventRequest;
import io.robotid.proto.lifecycle.v1.VerifyChainRequest;
import io.robotid.system.support.Events;
import io.robotid.system.support.LoadReport;
import io.robotid.system.support.PrivatePostgres;
import io.robotid.system.support.Registrations;
import io.robotid.system.support.Registry;

/**
 * PostgreSQL is stopped (fast shutdown: every session cut) and started again while filing-,
 * identity- and lifecycle-service are under a load of issuances, events and reads. The services
 * run on a PostgreSQL cluster of the test's own ({@link PrivatePostgres}), so nothing else is
 * disturbed.
 *
 * <p>Expected: each service's readiness goes DOWN while the database is away and UP again by
 * itself (nobody restarts the services); every call in the meantime either succeeds with the
 * right answer or fails UNAVAILABLE; every write that was acknowledged is there afterwards; and
 * every write that failed, sent again with its request id, is stored exactly once.
 */
class PostgresRestartUnderLoadIT {
    static final List<String> SERVICES = List.of("filing-service", "identity-service", "lifecycle-service");
    static PrivatePostgres postgres;
    static Registry registry;
    static Registrations maker;
    static List<String> robots;

    @BeforeAll
    static void start() {
        postgres = new PrivatePostgres().start(SERVICES.stream().map(Registry::database).toArray(String[]::new));
        registry = new Registry().withEnvironment("ROBOTID_DB_PORT", Integer.toString(PrivatePostgres.PORT)).start(SERVICES.toArray(String[]::new));
        maker = Registrations.accepted(registry, "Restart Robotics");
        robots = maker.issue(registry, 8);
        long at = System.currentTimeMillis() - 3_600_000;
        for (String robot : robots) {
            lifecycle(maker.manufacturerToken).recordEvent(Events.produced(robot, at));
        }
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    static LifecycleServiceGrpc.LifecycleServiceBlockingStub lifecycle(String token) {
        return Registry.as(LifecycleServiceGrpc.newBlockingStub(registry.channel("lifecycle-service")), token)
                .withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    static IdentityServiceGrpc.IdentityServiceBlockingStub identity(String token) {
        return Registry.as(IdentityServiceGrpc.newBlockingStub(registry.channel("identity-service")), token)
                .withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    static List<Identity> issue(IssueIdentitiesRequest request) {
        List<Identity> out = new ArrayList<>();
        identity(maker.manufacturerToken).issueIdentities(request).forEachRemaining(r -> out.addAll(r.getIdentitiesList()));
        return out;
    }

    /** Readiness of each service, polled every 100 ms: the order of UP/DOWN changes seen. */
    static final class ReadinessWatch implements Runnable {
        final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        final Map<String, List<String>> changes = new ConcurrentHashMap<>();
        /** When each change was seen, ms after the watch started. */
        final Map<String, List<Long>> changedAt = new ConcurrentHashMap<>();
        final long started = System.nanoTime();
        final AtomicBoolean running = new AtomicBoolean(true);

        @Override
        public void run() {
            Map<String, String> last = new HashMap<>();
            while (running.get()) {
                for (String service : SERVICES) {
                    String state;
                    try {
                        int code = http.send(HttpRequest.newBuilder(URI.create(registry.baseUrl(service) + "/q/health/ready"))
                                .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                        state = code == 200 ? "UP" : "DOWN";
                    } catch (Exception e) {
                        state = "NO ANSWER";
                    }
                    if (!state.equals(last.put(service, state))) {
                        changes.computeIfAbsent(service, s -> new ArrayList<>()).add(state);
                        changedAt.computeIfAbsent(service, s -> new ArrayList<>()).add(sinceStart());
                    }
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        long sinceStart() {
            return (System.nanoTime() - started) / 1_000_000;
        }

        boolean allUp() {
            return SERVICES.stream().allMatch(s -> {
                List<String> seen = changes.getOrDefault(s, List.of());
                return !seen.isEmpty() && seen.get(seen.size() - 1).equals("UP");
            });
        }
    }

    @Test
    void aDatabaseRestartCostsRetryableFailuresOnlyAndLosesNothing() throws Exception {
        LoadReport report = new LoadReport("postgres-restart-under-load");
        String serviceProvider = registry.token("SERVICE_PROVIDER", "org_id", "svc-restart");
        String auditor = registry.token("AUDITOR");
        Map<String, IssueIdentitiesRequest> issuedOk = new ConcurrentHashMap<>();
        Map<String, List<Identity>> issuedIds = new ConcurrentHashMap<>();
        Queue<IssueIdentitiesRequest> issueFailed = new ConcurrentLinkedQueue<>();
        Map<String, RecordEventRequest> recordedOk = new ConcurrentHashMap<>();
        Queue<RecordEventRequest> recordFailed = new ConcurrentLinkedQueue<>();
        Queue<String> wrongAnswers = new ConcurrentLinkedQueue<>();
        AtomicBoolean loading = new AtomicBoolean(true);
        AtomicLong clock = new AtomicLong(System.currentTimeMillis() - 3_000_000);

        ReadinessWatch readiness = new ReadinessWatch();
        ExecutorService pool = Executors.newFixedThreadPool(5);
        pool.submit(readiness);
        for (int worker = 0; worker < 2; worker++) {
            // each event worker owns half the robots, so its events on a robot are in time order
            List<String> mine = robots.subList(worker * robots.size() / 2, (worker + 1) * robots.size() / 2);
            pool.submit(() -> {
                int n = 0;
                while (loading.get()) {
                    String robot = mine.get(n++ % mine.size());
                    RecordEventRequest event = Events.inspection(robot, clock.addAndGet(100), "inspection " + n);
                    try {
                        report.time("RecordEvent", () -> lifecycle(serviceProvider).recordEvent(event));
                        recordedOk.put(event.getRequestId(), event);
                    } catch (StatusRuntimeException e) {
                        recordFailed.add(event);
                        pause();
                    }
                }
            });
        }
        pool.submit(() -> {
            while (loading.get()) {
                IssueIdentitiesRequest request = IssueIdentitiesRequest.newBuilder().setRequestId(UUID.randomUUID().toString())
                        .setModelCode(maker.modelCode).setSiteCode(maker.siteCode).setProductionYear(26).setCount(25).build();
                try {
                    List<Identity> ids = report.time("IssueIdentities", () -> issue(request));
                    issuedOk.put(request.getRequestId(), request);
                    issuedIds.put(request.getRequestId(), ids);
                } catch (StatusRuntimeException e) {
                    issueFailed.add(request);
                    pause();
                }
            }
        });
        pool.submit(() -> {
            int n = 0;
            while (loading.get()) {
                String robot = robots.get(n++ % robots.size());
                try {
                    Identity found = report.time("GetIdentity", () -> identity(auditor)
                            .getIdentity(GetIdentityRequest.newBuilder().setRobotId(robot).build()).getIdentity());
                    if (!found.getRobotId().equals(robot) || !found.getModelCode().equals(maker.modelCode)) {
                        wrongAnswers.add("GetIdentity(" + robot + ") answered " + found.getRobotId());
                    }
                } catch (StatusRuntimeException e) {
                    pause();
                }
            }
        });

        Thread.sleep(4_000);
        long stopping = readiness.sinceStart();
        postgres.stopServer();
        long stopped = readiness.sinceStart();
        report.note("PostgreSQL stopped (fast shutdown)");
        Thread.sleep(6_000);
        long starting = readiness.sinceStart();
        postgres.startServer();
        long accepting = readiness.sinceStart();
        report.note("PostgreSQL started again");
        long until = System.currentTimeMillis() + 60_000;
        while (!readiness.allUp() && System.currentTimeMillis() < until) {
            Thread.sleep(100);
        }
        Thread.sleep(4_000);
        loading.set(false);
        readiness.running.set(false);
        pool.shutdown();
        assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        report.print();
        System.out.printf("PostgreSQL stop asked at %d ms, stopped at %d ms; start asked at %d ms, accepting connections"
                + " by %d ms; readiness seen (state, at ms): %s %s%n", stopping, stopped, starting, accepting,
                readiness.changes, readiness.changedAt);

        // readiness: UP, DOWN while the database was away, UP again by itself
        for (String service : SERVICES) {
            assertThat(readiness.changes.get(service)).as(service + " readiness").containsSubsequence("UP", "DOWN", "UP")
                    .endsWith("UP");
        }
        // callers saw right answers or UNAVAILABLE, nothing else
        assertThat(wrongAnswers).isEmpty();
        assertThat(report.failures().keySet()).as("failure codes").containsOnly(Status.Code.UNAVAILABLE);
        assertThat(report.failures().getOrDefault(Status.Code.UNAVAILABLE, 0L)).as("calls refused during the outage").isPositive();
        assertThat(recordedOk).isNotEmpty();
        assertThat(issuedOk).isNotEmpty();

        // every acknowledged write is there
        for (Map.Entry<String, List<Identity>> batch : issuedIds.entrySet()) {
            assertThat(issue(issuedOk.get(batch.getKey()))).as("batch %s replayed", batch.getKey())
                    .containsExactlyElementsOf(batch.getValue());
        }
        // every failed write, sent again with its request id, is stored once
        int retriedIssues = 0;
        for (IssueIdentitiesRequest request : issueFailed) {
            assertThat(issue(request)).hasSize(request.getCount());
            retriedIssues++;
        }
        int retriedEvents = 0;
        for (RecordEventRequest event : recordFailed) {
            lifecycle(serviceProvider).recordEvent(event);
            retriedEvents++;
        }
        System.out.printf("acknowledged: %d issuances, %d events; failed and sent again: %d issuances, %d events%n",
                issuedOk.size(), recordedOk.size(), retriedIssues, retriedEvents);
        Set<String> expected = new HashSet<>(recordedOk.keySet());
        recordFailed.forEach(event -> expected.add(event.getRequestId()));
        List<String> stored = new ArrayList<>();
        for (String robot : robots) {
            LifecycleCrashDuringAppendIT.allEvents(registry, auditor, robot).stream()
                    .filter(e -> e.getPayload().hasMaintenancePerformed())
                    .forEach(e -> stored.add(e.getRecorded().getRequestId()));
        }
        assertThat(stored).as("maintenance events stored").doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expected);
        try (Connection c = postgres.connect(Registry.database("identity-service"))) {
            ResultSet r = c.createStatement().executeQuery("select count(*), count(distinct sequence) from identity where model_code = '"
                    + maker.modelCode + "'");
            r.next();
            long identities = robots.size() + 25L * (issuedOk.size() + retriedIssues);
            assertThat(r.getLong(1)).as("identities stored").isEqualTo(identities).isEqualTo(r.getLong(2));
        }
        for (String robot : robots) {
            assertThat(lifecycle(auditor).verifyChain(VerifyChainRequest.newBuilder().setRobotId(robot).build()).getIntact())
                    .as("chain of %s", robot).isTrue();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
