package io.robotid.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

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
import io.robotid.proto.lifecycle.v1.EventPayload;
import io.robotid.proto.lifecycle.v1.LifecycleServiceGrpc;
import io.robotid.proto.lifecycle.v1.RecordEventRequest;
import io.robotid.proto.lifecycle.v1.Suspended;
import io.robotid.system.support.Events;
import io.robotid.system.support.FaultyLink;
import io.robotid.system.support.Registrations;
import io.robotid.system.support.Registry;

/**
 * The links between services made slow (latency beyond the caller's deadline) or cut (every
 * connection reset) by a {@link FaultyLink} on identity-service's way to filing-service,
 * lifecycle-service's way to identity-service, and geofence-service's ways to the lifecycle and
 * certification feeds.
 *
 * <p>Expected: the caller is answered within its dependency deadline (3 s) with UNAVAILABLE or
 * DEADLINE_EXCEEDED, never left hanging; nothing of the refused write is stored; the same request
 * sent again once the link is back succeeds exactly once; geofence checks keep answering from the
 * projection while its feeds are cut, and the projection catches up once they are back.
 */
class SlowAndCutLinksIT {
    /** Beyond every service's dependency deadline (3 s). */
    static final Duration SLOW = Duration.ofSeconds(5);
    static FaultyLink identityToFiling;
    static FaultyLink lifecycleToIdentity;
    static FaultyLink geofenceToLifecycle;
    static FaultyLink geofenceToCertification;
    static Registry registry;
    static Registrations maker;

    @BeforeAll
    static void start() {
        identityToFiling = new FaultyLink(Registry.PORTS.get("filing-service"));
        lifecycleToIdentity = new FaultyLink(Registry.PORTS.get("identity-service"));
        geofenceToLifecycle = new FaultyLink(Registry.PORTS.get("lifecycle-service"));
        geofenceToCertification = new FaultyLink(Registry.PORTS.get("certification-service"));
        registry = new Registry()
                .withEnvironment("identity-service", "ROBOTID_FILING_PORT", Integer.toString(identityToFiling.port()))
                .withEnvironment("lifecycle-service", "ROBOTID_IDENTITY_PORT", Integer.toString(lifecycleToIdentity.port()))
                .withEnvironment("geofence-service", "ROBOTID_LIFECYCLE_PORT", Integer.toString(geofenceToLifecycle.port()))
                .withEnvironment("geofence-service", "ROBOTID_CERTIFICATION_PORT",
                        Integer.toString(geofenceToCertification.port()))
                // reconnect to a feed within 2 s of its link coming back
                .withEnvironment("geofence-service", "ROBOTID_FEEDS_MAX_RETRY", "2s")
                .start("filing-service", "identity-service", "lifecycle-service", "certification-service",
                        "geofence-service");
        maker = Registrations.accepted(registry, "Link Fault Robotics");
    }

    @AfterAll
    static void stop() {
        registry.close();
        List.of(identityToFiling, lifecycleToIdentity, geofenceToLifecycle, geofenceToCertification)
                .forEach(FaultyLink::close);
    }

    static IssueIdentitiesRequest issuance(int count) {
        return IssueIdentitiesRequest.newBuilder().setRequestId(UUID.randomUUID().toString())
                .setModelCode(maker.modelCode).setSiteCode(maker.siteCode).setProductionYear(26).setCount(count).build();
    }

    static List<Identity> issue(IssueIdentitiesRequest request) {
        List<Identity> out = new ArrayList<>();
        Registry.as(IdentityServiceGrpc.newBlockingStub(registry.channel("identity-service")), maker.manufacturerToken)
                .withDeadlineAfter(30, TimeUnit.SECONDS).issueIdentities(request)
                .forEachRemaining(chunk -> out.addAll(chunk.getIdentitiesList()));
        return out;
    }

    static LifecycleServiceGrpc.LifecycleServiceBlockingStub lifecycle(String token) {
        return Registry.as(LifecycleServiceGrpc.newBlockingStub(registry.channel("lifecycle-service")), token)
                .withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    /** What identity-service's database holds: batches and identities of the test's model. */
    static List<Long> storedIssuance(String requestId) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/"
                + Registry.database("identity-service"), "postgres", "");
                PreparedStatement q = c.prepareStatement("""
                        select (select count(*) from issuance_batch where request_id = ?::uuid),
                               (select count(*) from identity where model_code = ?),
                               (select count(*) from write_record where request_id = ?::uuid)""")) {
            q.setString(1, requestId);
            q.setString(2, maker.modelCode);
            q.setString(3, requestId);
            try (ResultSet r = q.executeQuery()) {
                r.next();
                return List.of(r.getLong(1), r.getLong(2), r.getLong(3));
            }
        }
    }

    /** Calls {@code call}, expecting it to fail; returns the failure and how long it took. */
    record Refusal(Status.Code code, String description, Duration took) {
    }

    static Refusal refused(Runnable call) {
        long start = System.nanoTime();
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, call::run);
        assertThat(e).as("the call was refused").isNotNull();
        return new Refusal(e.getStatus().getCode(), e.getStatus().getDescription(),
                Duration.ofNanos(System.nanoTime() - start));
    }

    /**
     * As a client does with a retryable failure: calls again while the answer is UNAVAILABLE (the
     * caller's channel to the healed link may still be in its reconnect backoff), up to 20 s.
     */
    static <T> T retried(java.util.function.Supplier<T> call) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 20_000;
        while (true) {
            try {
                return call.get();
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() != Status.Code.UNAVAILABLE || System.currentTimeMillis() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    @Test
    void issuanceWhileTheLinkToFilingIsSlowOrCutIsRefusedInTimeAndLeavesNothing() throws Exception {
        long before = storedIssuance(UUID.randomUUID().toString()).get(1);
        IssueIdentitiesRequest slow = issuance(10);
        identityToFiling.delay(SLOW);
        Refusal slowRefusal = refused(() -> issue(slow));
        identityToFiling.heal();
        IssueIdentitiesRequest cut = issuance(10);
        identityToFiling.cut();
        Refusal cutRefusal = refused(() -> issue(cut));
        identityToFiling.heal();
        System.out.printf("identity -> filing %s slower: %s after %d ms (%s); cut: %s after %d ms (%s)%n", SLOW,
                slowRefusal.code(), slowRefusal.took().toMillis(), slowRefusal.description(), cutRefusal.code(),
                cutRefusal.took().toMillis(), cutRefusal.description());
        for (Refusal refusal : List.of(slowRefusal, cutRefusal)) {
            assertThat(refusal.code()).isIn(Status.Code.UNAVAILABLE, Status.Code.DEADLINE_EXCEEDED);
            // answered by identity-service's own deadline on filing (3 s), not the client's (30 s)
            assertThat(refusal.took()).isLessThan(Duration.ofSeconds(10));
        }
        // nothing of either request was stored: no batch, no identity, no claimed request id
        assertThat(storedIssuance(slow.getRequestId())).containsExactly(0L, before, 0L);
        assertThat(storedIssuance(cut.getRequestId())).containsExactly(0L, before, 0L);

        // with the link back, the same requests succeed, once each
        assertThat(retried(() -> issue(slow))).hasSize(10);
        assertThat(retried(() -> issue(cut))).hasSize(10);
        assertThat(retried(() -> issue(slow))).hasSize(10);
        assertThat(storedIssuance(slow.getRequestId())).containsExactly(1L, before + 20, 1L);
    }

    @Test
    void eventsWhileTheLinkToIdentityIsSlowOrCutAreRefusedAndRecordedOnceWhenSentAgain() throws Exception {
        // robots lifecycle-service has not seen yet, so it must ask identity-service about them
        List<String> robots = maker.issue(registry, 2);
        long now = System.currentTimeMillis() - 60_000;
        RecordEventRequest slow = Events.produced(robots.get(0), now);
        RecordEventRequest cut = Events.produced(robots.get(1), now);
        lifecycleToIdentity.delay(SLOW);
        Refusal slowRefusal = refused(() -> lifecycle(maker.manufacturerToken).recordEvent(slow));
        lifecycleToIdentity.heal().cut();
        Refusal cutRefusal = refused(() -> lifecycle(maker.manufacturerToken).recordEvent(cut));
        lifecycleToIdentity.heal();
        System.out.printf("lifecycle -> identity %s slower: %s after %d ms (%s); cut: %s after %d ms (%s)%n", SLOW,
                slowRefusal.code(), slowRefusal.took().toMillis(), slowRefusal.description(), cutRefusal.code(),
                cutRefusal.took().toMillis(), cutRefusal.description());
        for (Refusal refusal : List.of(slowRefusal, cutRefusal)) {
            assertThat(refusal.code()).isIn(Status.Code.UNAVAILABLE, Status.Code.DEADLINE_EXCEEDED);
            assertThat(refusal.took()).isLessThan(Duration.ofSeconds(10));
        }
        String auditor = registry.token("AUDITOR");
        for (String robot : robots) {
            assertThat(LifecycleCrashDuringAppendIT.allEvents(registry, auditor, robot)).as("events of %s", robot).isEmpty();
        }
        // sent again (twice) with the link back: recorded once
        for (RecordEventRequest event : List.of(slow, cut, slow, cut)) {
            retried(() -> lifecycle(maker.manufacturerToken).recordEvent(event));
        }
        for (String robot : robots) {
            assertThat(LifecycleCrashDuringAppendIT.allEvents(registry, auditor, robot)).hasSize(1);
        }
    }

    static CheckPermissionResponse check(String token, String robot) {
        return Registry.as(GeofenceServiceGrpc.newBlockingStub(registry.channel("geofence-service")), token)
                .withDeadlineAfter(5, TimeUnit.SECONDS).checkPermission(CheckPermissionRequest.newBuilder()
                        .setRobotId(robot).setPosition(Position.newBuilder().setLatitude(48.1).setLongitude(11.5))
                        .setTaskCategory("wayfinding").build());
    }

    static CheckPermissionResponse awaitCheck(String token, String robot, java.util.function.Predicate<CheckPermissionResponse> until)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        CheckPermissionResponse answer = check(token, robot);
        while (!until.test(answer) && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
            answer = check(token, robot);
        }
        return answer;
    }

    @Test
    void geofenceChecksAnswerFromTheProjectionWhileItsFeedsAreCutAndCatchUpAfter() throws Exception {
        String robot = maker.issue(registry, 1).get(0);
        lifecycle(maker.manufacturerToken).recordEvent(Events.produced(robot, System.currentTimeMillis() - 60_000));
        String regulator = registry.token("REGULATOR");
        CheckPermissionResponse known = awaitCheck(regulator, robot,
                r -> !r.getReasonsList().contains(DenialReason.DENIAL_REASON_ROBOT_UNKNOWN));
        assertThat(known.getReasonsList()).doesNotContain(DenialReason.DENIAL_REASON_ROBOT_UNKNOWN);

        geofenceToLifecycle.cut();
        geofenceToCertification.cut();
        // the robot is suspended while geofence-service cannot hear of it
        lifecycle(regulator).recordEvent(RecordEventRequest.newBuilder().setRequestId(UUID.randomUUID().toString())
                .setRobotId(robot).setOccurredAt(com.google.protobuf.Timestamp.newBuilder().setSeconds(System.currentTimeMillis() / 1000))
                .setPayload(EventPayload.newBuilder().setSuspended(Suspended.newBuilder().setReason("link fault test")))
                .build());
        int answered = 0;
        long until = System.currentTimeMillis() + 5_000;
        while (System.currentTimeMillis() < until) {
            CheckPermissionResponse during = check(regulator, robot);
            assertThat(during.getVerdict()).isEqualTo(known.getVerdict());
            assertThat(during.getReasonsList()).containsExactlyElementsOf(known.getReasonsList());
            answered++;
        }
        long resets = geofenceToLifecycle.resets() + geofenceToCertification.resets();
        geofenceToLifecycle.heal();
        geofenceToCertification.heal();
        long healed = System.currentTimeMillis();
        CheckPermissionResponse after = awaitCheck(regulator, robot,
                r -> r.getReasonsList().contains(DenialReason.DENIAL_REASON_SUSPENDED));
        System.out.printf("feeds cut (%d connections reset): %d checks answered from the projection in 5 s; after the"
                + " links came back the suspension arrived within %d ms%n", resets, answered,
                System.currentTimeMillis() - healed);
        assertThat(resets).as("connections the cut reset").isPositive();
        assertThat(answered).isPositive();
        assertThat(after.getReasonsList()).contains(DenialReason.DENIAL_REASON_SUSPENDED);
    }
}
