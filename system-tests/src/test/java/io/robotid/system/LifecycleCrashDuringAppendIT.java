package io.robotid.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.google.protobuf.Timestamp;

import io.grpc.stub.StreamObserver;
import io.robotid.proto.lifecycle.v1.Component;
import io.robotid.proto.lifecycle.v1.ComponentCategory;
import io.robotid.proto.lifecycle.v1.EventPayload;
import io.robotid.proto.lifecycle.v1.LifecycleEvent;
import io.robotid.proto.lifecycle.v1.LifecycleServiceGrpc;
import io.robotid.proto.lifecycle.v1.ListEventsRequest;
import io.robotid.proto.lifecycle.v1.ListEventsResponse;
import io.robotid.proto.lifecycle.v1.MaintenancePerformed;
import io.robotid.proto.lifecycle.v1.Produced;
import io.robotid.proto.lifecycle.v1.RecordEventRequest;
import io.robotid.proto.lifecycle.v1.RecordEventsRequest;
import io.robotid.proto.lifecycle.v1.RecordEventsResponse;
import io.robotid.proto.lifecycle.v1.VerifyChainRequest;
import io.robotid.system.support.Registrations;
import io.robotid.system.support.Registry;

/**
 * lifecycle-service is killed (-9) in the middle of a streamed append; once it is back, the client
 * sends the same stream again (same request ids). Every event is then present exactly once, in the
 * order sent, and every chain verifies: batches that committed before the crash are answered from
 * their stored records, the one cut off had rolled back as a whole.
 */
class LifecycleCrashDuringAppendIT {
    static Registry registry;
    static Registrations maker;
    static List<String> robots;

    @BeforeAll
    static void start() {
        registry = new Registry().start("filing-service", "identity-service", "lifecycle-service");
        maker = Registrations.accepted(registry, "Crash Robotics");
        robots = maker.issue(registry, 20);
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    static CompletableFuture<RecordEventsResponse> send(String token, List<RecordEventRequest> requests) {
        CompletableFuture<RecordEventsResponse> answer = new CompletableFuture<>();
        StreamObserver<RecordEventsRequest> upload = Registry.as(LifecycleServiceGrpc.newStub(
                registry.channel("lifecycle-service")), token).withDeadlineAfter(2, TimeUnit.MINUTES)
                .recordEvents(new StreamObserver<>() {
                    public void onNext(RecordEventsResponse value) {
                        answer.complete(value);
                    }

                    public void onError(Throwable t) {
                        answer.completeExceptionally(t);
                    }

                    public void onCompleted() {
                    }
                });
        try {
            for (RecordEventRequest request : requests) {
                upload.onNext(RecordEventsRequest.newBuilder().setEvent(request).build());
            }
            upload.onCompleted();
        } catch (RuntimeException cut) {
            answer.completeExceptionally(cut);
        }
        return answer;
    }

    @Test
    void aStreamCutByACrashAndSentAgainLeavesEveryEventExactlyOnce() throws Exception {
        String serviceProvider = registry.token("SERVICE_PROVIDER", "org_id", "svc-crash");
        long seconds = System.currentTimeMillis() / 1000 - 3600;
        List<RecordEventRequest> produced = new ArrayList<>();
        for (String robot : robots) {
            produced.add(RecordEventRequest.newBuilder().setRequestId(UUID.randomUUID().toString()).setRobotId(robot)
                    .setOccurredAt(Timestamp.newBuilder().setSeconds(seconds))
                    .setPayload(EventPayload.newBuilder().setProduced(Produced.newBuilder().setBuildDate("2026-11-20")
                            .setFirmwareVersion("3.1.0").setFactoryTestPassed(true)
                            .addComponents(Component.newBuilder().setPartNumber("DRV-7").setLot("L1").setSerial("S-" + robot)
                                    .setCategory(ComponentCategory.COMPONENT_CATEGORY_ACTUATOR)))).build());
        }
        assertThat(send(maker.manufacturerToken, produced).get(1, TimeUnit.MINUTES).getRecorded()).isEqualTo(robots.size());

        // 20 robots x 300 maintenance records, interleaved: 30 batches of 200.
        List<RecordEventRequest> stream = new ArrayList<>();
        for (int round = 0; round < 300; round++) {
            for (String robot : robots) {
                stream.add(RecordEventRequest.newBuilder().setRequestId(UUID.randomUUID().toString()).setRobotId(robot)
                        .setOccurredAt(Timestamp.newBuilder().setSeconds(seconds + 1 + round))
                        .setPayload(EventPayload.newBuilder().setMaintenancePerformed(MaintenancePerformed.newBuilder()
                                .setDescription("round " + round).setInspection(true))).build());
            }
        }
        CompletableFuture<RecordEventsResponse> first = send(serviceProvider, stream);
        // Kill it once some of the stream has been committed, but not all of it.
        String auditor = registry.token("AUDITOR");
        long deadline = System.currentTimeMillis() + 60_000;
        while (recordedEvents(auditor, robots.get(robots.size() - 1)) < 20 && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        registry.service("lifecycle-service").kill();
        assertThat(first).failsWithin(30, TimeUnit.SECONDS);
        registry.startService("lifecycle-service", false);
        long storedBeforeRetry = 0;
        for (String robot : robots) {
            storedBeforeRetry += recordedEvents(auditor, robot) - 1;
        }
        // The crash came in the middle: part of the stream was stored, not all of it.
        assertThat(storedBeforeRetry).isPositive().isLessThan(stream.size());

        // The client does not know what was stored: it sends the same stream again.
        RecordEventsResponse retried = send(serviceProvider, stream).get(2, TimeUnit.MINUTES);
        assertThat(retried.getRefusedList()).isEmpty();
        assertThat(retried.getRecorded()).isEqualTo(stream.size());

        Set<String> sentIds = new HashSet<>();
        stream.forEach(r -> sentIds.add(r.getRequestId()));
        for (String robot : robots) {
            List<LifecycleEvent> events = allEvents(auditor, robot);
            assertThat(events).hasSize(1 + 300);
            List<String> ids = events.subList(1, events.size()).stream().map(e -> e.getRecorded().getRequestId()).toList();
            assertThat(ids).doesNotHaveDuplicates().allMatch(sentIds::contains);
            assertThat(ids).containsExactlyElementsOf(stream.stream().filter(r -> r.getRobotId().equals(robot))
                    .map(RecordEventRequest::getRequestId).toList());
            assertThat(Registry.as(LifecycleServiceGrpc.newBlockingStub(registry.channel("lifecycle-service")), auditor)
                    .verifyChain(VerifyChainRequest.newBuilder().setRobotId(robot).build()).getIntact()).isTrue();
        }
    }

    static long recordedEvents(String token, String robot) {
        try {
            return Registry.as(LifecycleServiceGrpc.newBlockingStub(registry.channel("lifecycle-service")), token)
                    .withDeadlineAfter(5, TimeUnit.SECONDS)
                    .getRobotStatus(io.robotid.proto.lifecycle.v1.GetRobotStatusRequest.newBuilder().setRobotId(robot).build())
                    .getState().getLastSequence();
        } catch (RuntimeException e) {
            return 0;
        }
    }

    static List<LifecycleEvent> allEvents(String token, String robot) {
        return allEvents(registry, token, robot);
    }

    /** Every event of {@code robot}, page by page. */
    static List<LifecycleEvent> allEvents(Registry registry, String token, String robot) {
        List<LifecycleEvent> out = new ArrayList<>();
        String page = "";
        do {
            ListEventsResponse response = Registry.as(LifecycleServiceGrpc.newBlockingStub(
                    registry.channel("lifecycle-service")), token).withDeadlineAfter(30, TimeUnit.SECONDS)
                    .listEvents(ListEventsRequest.newBuilder().setRobotId(robot).setPageSize(500).setPageToken(page).build());
            out.addAll(response.getEventsList());
            page = response.getNextPageToken();
        } while (!page.isEmpty());
        return out;
    }
}
