package io.robotid.geofence.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.grpc.stub.StreamObserver;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.robotid.geofence.support.Registry;
import io.robotid.geofence.support.RegistryProcesses;
import io.robotid.proto.geofence.v1.CheckPermissionRequest;
import io.robotid.proto.geofence.v1.Position;
import io.robotid.proto.geofence.v1.StreamChecksRequest;
import io.robotid.proto.geofence.v1.StreamChecksResponse;
import io.robotid.proto.geofence.v1.Verdict;
import io.robotid.testkit.Tokens;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The denial audit keeps up: denials driven far faster than the 5,000 a second the audit used to write
 * (1,000 each 200 ms) are all stored, none dropped.
 */
@QuarkusTest
@QuarkusTestResource(RegistryProcesses.class)
class DenialAuditIT {
    static final int DENIALS = 30_000;
    static Registry registry;

    @Inject
    Pool database;

    @Inject
    DenialLog log;

    @BeforeAll
    static void setUp() {
        registry = new Registry();
    }

    @AfterAll
    static void tearDown() throws InterruptedException {
        registry.close();
    }

    @Test
    void everyDenialOfAFastStreamIsStored() throws Exception {
        // a robot the registry never issued: every check is DENY (ROBOT_UNKNOWN), every one audited
        String robot = "CN" + "ZZZZ" + "ZZZZZZ" + "26" + "ZZ" + String.format("%012d", System.nanoTime() % 1_000_000_000L);
        robot = robot + io.robotid.kit.id.Mod3736.checkCharacter(robot);
        AtomicInteger denied = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(1);
        long started = System.nanoTime();
        StreamObserver<StreamChecksRequest> requests = registry.async(Tokens.regulator()).streamChecks(new StreamObserver<>() {
            @Override
            public void onNext(StreamChecksResponse value) {
                if (value.getResult().getVerdict() == Verdict.VERDICT_DENY) {
                    denied.incrementAndGet();
                }
            }

            @Override
            public void onError(Throwable t) {
                done.countDown();
            }

            @Override
            public void onCompleted() {
                done.countDown();
            }
        });
        CheckPermissionRequest check = CheckPermissionRequest.newBuilder().setRobotId(robot)
                .setPosition(Position.newBuilder().setLatitude(10).setLongitude(10)).setTaskCategory("audit").build();
        for (int i = 0; i < DENIALS; i++) {
            requests.onNext(StreamChecksRequest.newBuilder().setCorrelationId(Integer.toString(i)).setCheck(check).build());
        }
        requests.onCompleted();
        assertThat(done.await(5, TimeUnit.MINUTES)).isTrue();
        double seconds = (System.nanoTime() - started) / 1e9;
        assertThat(denied.get()).isEqualTo(DENIALS);
        long stored = 0;
        long deadline = System.currentTimeMillis() + 120_000;
        String id = robot;
        while (System.currentTimeMillis() < deadline) {
            stored = database.preparedQuery("select count(*) as n from denial where robot_id = $1").execute(Tuple.of(id))
                    .await().atMost(Duration.ofSeconds(10)).iterator().next().getLong("n");
            if (stored >= DENIALS) {
                break;
            }
            Thread.sleep(100);
        }
        double total = (System.nanoTime() - started) / 1e9;
        System.out.printf("denial audit: %d denials answered in %.1f s (%.0f/s), all stored after %.1f s (%.0f/s); dropped %d%n",
                DENIALS, seconds, DENIALS / seconds, total, DENIALS / total, log.dropped());
        assertThat(stored).isEqualTo(DENIALS);
        assertThat(log.dropped()).isZero();
    }
}
