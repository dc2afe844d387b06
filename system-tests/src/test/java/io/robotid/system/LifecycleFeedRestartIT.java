package io.robotid.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.google.protobuf.Timestamp;

import io.grpc.Context;
import io.grpc.StatusRuntimeException;
import io.robotid.proto.lifecycle.v1.Component;
import io.robotid.proto.lifecycle.v1.ComponentCategory;
import io.robotid.proto.lifecycle.v1.EventPayload;
import io.robotid.proto.lifecycle.v1.LifecycleServiceGrpc;
import io.robotid.proto.lifecycle.v1.Produced;
import io.robotid.proto.lifecycle.v1.RecordEventRequest;
import io.robotid.proto.lifecycle.v1.Sold;
import io.robotid.proto.lifecycle.v1.Suspended;
import io.robotid.proto.lifecycle.v1.VerifyChainRequest;
import io.robotid.proto.lifecycle.v1.WatchStatusChangesRequest;
import io.robotid.proto.lifecycle.v1.WatchStatusChangesResponse;
import io.robotid.system.support.Registrations;
import io.robotid.system.support.Registry;

/**
 * A consumer of lifecycle-service's feed that was cut off by a crash of the service (killed, not
 * shut down) resumes from the last sequence it applied, once the service is back: nothing is
 * lost, nothing repeated, and the chains written before the crash still verify.
 */
class LifecycleFeedRestartIT {
    static Registry registry;
    static Registrations maker;
    static List<String> robots;

    @BeforeAll
    static void start() {
        registry = new Registry().start("filing-service", "identity-service", "lifecycle-service");
        maker = Registrations.accepted(registry, "Feed Robotics");
        robots = maker.issue(registry, 4);
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    static LifecycleServiceGrpc.LifecycleServiceBlockingStub lifecycle(String token) {
        return Registry.as(LifecycleServiceGrpc.newBlockingStub(registry.channel("lifecycle-service")), token)
                .withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    static void record(String token, String robot, EventPayload payload) {
        lifecycle(token).recordEvent(RecordEventRequest.newBuilder().setRequestId(UUID.randomUUID().toString())
                .setRobotId(robot).setOccurredAt(Timestamp.newBuilder().setSeconds(System.currentTimeMillis() / 1000 - 1))
                .setPayload(payload).build());
    }

    static EventPayload produced() {
        return EventPayload.newBuilder().setProduced(Produced.newBuilder().setBuildDate("2026-11-20")
                .setFirmwareVersion("3.1.0").setFactoryTestPassed(true)
                .addComponents(Component.newBuilder().setPartNumber("DRV-7").setLot("L1").setSerial("S-" + UUID.randomUUID())
                        .setSafetyRelevant(true).setCategory(ComponentCategory.COMPONENT_CATEGORY_ACTUATOR))).build();
    }

    /** Reads up to {@code count} entries after {@code from}, or what arrives within two seconds. */
    static List<WatchStatusChangesResponse> read(String token, long from, int count) {
        List<WatchStatusChangesResponse> out = new ArrayList<>();
        Context.CancellableContext call = Context.current().withCancellation();
        try {
            call.run(() -> {
                Iterator<WatchStatusChangesResponse> feed = Registry.as(LifecycleServiceGrpc.newBlockingStub(
                        registry.channel("lifecycle-service")), token).withDeadlineAfter(2, TimeUnit.SECONDS)
                        .watchStatusChanges(WatchStatusChangesRequest.newBuilder().setFromSequence(from).build());
                try {
                    while (out.size() < count && feed.hasNext()) {
                        out.add(feed.next());
                    }
                } catch (StatusRuntimeException deadline) {
                    // the feed never ends; the deadline ends this read
                }
            });
        } finally {
            call.cancel(null);
        }
        return out;
    }

    @Test
    void aFeedConsumerResumesAfterTheServiceCrashedWithNoLossAndNoDuplicate() {
        String feedToken = registry.token("REGISTRY_SERVICE");
        for (String robot : robots) {
            record(maker.manufacturerToken, robot, produced());
        }
        List<WatchStatusChangesResponse> before = read(feedToken, 0, 2);
        assertThat(before).hasSize(2);
        long applied = before.get(1).getFeedSequence();

        // The service crashes while the consumer is away; it comes back on the same database.
        registry.service("lifecycle-service").kill();
        registry.startService("lifecycle-service", false);
        String regulator = registry.token("REGULATOR");
        record(maker.manufacturerToken, robots.get(0), EventPayload.newBuilder()
                .setSold(Sold.newBuilder().setBuyerOrgId("org-shop")).build()); // no feed entry
        record(regulator, robots.get(1), EventPayload.newBuilder()
                .setSuspended(Suspended.newBuilder().setReason("inspection")).build());

        List<WatchStatusChangesResponse> resumed = read(feedToken, applied, 100);
        List<WatchStatusChangesResponse> everything = read(feedToken, 0, 100);
        assertThat(everything).hasSize(robots.size() + 1);
        assertThat(resumed).containsExactlyElementsOf(everything.subList(2, everything.size()));
        assertThat(resumed).extracting(WatchStatusChangesResponse::getFeedSequence).isSorted().doesNotHaveDuplicates();
        assertThat(resumed.get(resumed.size() - 1).getSuspended()).isTrue();
        for (String robot : robots) {
            assertThat(lifecycle(registry.token("AUDITOR")).verifyChain(VerifyChainRequest.newBuilder().setRobotId(robot)
                    .build()).getIntact()).isTrue();
        }
    }
}
