package io.robotid.lifecycle.grpc;

import static io.robotid.lifecycle.support.Fleet.*;
import static io.robotid.testkit.GrpcAssertions.invalid;
import static io.robotid.testkit.GrpcAssertions.refused;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.google.protobuf.Timestamp;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.robotid.evidence.verify.EventChainVerifier;
import io.robotid.lifecycle.domain.EventChainTest;
import io.robotid.lifecycle.support.Fleet;
import io.robotid.lifecycle.support.RegistryProcesses;
import io.robotid.proto.lifecycle.v1.*;
import io.robotid.testkit.SingleAnswer;
import io.robotid.testkit.Tokens;

/** GetRobotAt, FindRobots, RecordEvents and maintenance thresholds. */
@QuarkusTest
@QuarkusTestResource(RegistryProcesses.class)
class HistoryAndSearchIT {

    static Fleet fleet;

    @BeforeAll
    static void setUp() {
        fleet = new Fleet().issue(8 + 30 + 20);
    }

    @AfterAll
    static void tearDown() throws InterruptedException {
        fleet.close();
    }

    static RecordEventRequest at(RecordEventRequest.Builder request, long epochSecond) {
        return request.setOccurredAt(Timestamp.newBuilder().setSeconds(epochSecond)).build();
    }

    @Test
    void theRobotAtAPastInstantHasTheOwnerAndConfigurationOfThatInstant() {
        String robot = fleet.robots.get(0);
        long t0 = System.currentTimeMillis() / 1000 - 10_000;
        String maker = Tokens.manufacturer(fleet.manufacturerCode);
        fleet.as(maker).recordEvent(at(event(robot, produced()), t0));
        fleet.as(maker).recordEvent(at(event(robot, sold("org-a")), t0 + 100));
        fleet.as(Tokens.role("SERVICE_PROVIDER")).recordEvent(at(event(robot, EventPayload.newBuilder()
                .setComponentReplaced(ComponentReplaced.newBuilder()
                        .setOldPart(Component.newBuilder().setPartNumber("BAT-9").setLot("B2").setSerial("S2"))
                        .setNewPart(Component.newBuilder().setPartNumber("BAT-10").setLot("B5").setSerial("S9")))
                .build()), t0 + 200));
        fleet.as(maker).recordEvent(at(event(robot, EventPayload.newBuilder().setSoftwareUpdated(SoftwareUpdated
                .newBuilder().setFirmwareVersion("3.2.0").setPackageSha256("c".repeat(64))).build()), t0 + 300));

        RobotState before = at(robot, t0 + 150);
        assertThat(before.getOwnerOrgId()).isEqualTo("org-a");
        assertThat(before.getFirmwareVersion()).isEqualTo("3.1.0");
        assertThat(before.getComponentsList()).extracting(Component::getPartNumber).containsExactlyInAnyOrder("MTR-100", "BAT-9");

        RobotState after = at(robot, t0 + 250);
        assertThat(after.getComponentsList()).extracting(Component::getPartNumber).containsExactlyInAnyOrder("MTR-100", "BAT-10");
        assertThat(after.getFirmwareVersion()).isEqualTo("3.1.0");
        assertThat(at(robot, t0 + 400).getFirmwareVersion()).isEqualTo("3.2.0");
        assertThat(at(robot, t0 - 1).getStatus()).isEqualTo(RobotStatus.ROBOT_STATUS_REGISTERED);
        assertThat(at(robot, t0 + 400).getLastSequence()).isEqualTo(4);
        invalid(() -> fleet.as(Tokens.auditor()).getRobotAt(GetRobotAtRequest.newBuilder().setRobotId(robot).build()), "at");
    }

    static RobotState at(String robot, long epochSecond) {
        return fleet.as(Tokens.auditor()).getRobotAt(GetRobotAtRequest.newBuilder().setRobotId(robot)
                .setAt(Timestamp.newBuilder().setSeconds(epochSecond)).build()).getState();
    }

    @Test
    void findRobotsByPartLotFirmwareAndModelWithinWhatTheCallerMaySee() {
        String maker = Tokens.manufacturer(fleet.manufacturerCode);
        List<String> robots = fleet.robots.subList(1, 4);
        for (String robot : robots) {
            fleet.as(maker).recordEvent(event(robot, produced()).build());
        }
        fleet.as(maker).recordEvent(event(robots.get(2), sold("org-z")).build());
        String model = robots.get(0).substring(6, 12);
        assertThat(find(Tokens.regulator(), FindRobotsRequest.newBuilder().setModelCode(model).setPartNumber("MTR-100")
                .addLots("L7"))).containsAll(robots);
        assertThat(find(Tokens.regulator(), FindRobotsRequest.newBuilder().setModelCode(model).setPartNumber("MTR-100")
                .addLots("NOPE"))).isEmpty();
        assertThat(find(maker, FindRobotsRequest.newBuilder().setFirmwareVersion("3.1.0").setModelCode(model)))
                .containsAll(robots);
        assertThat(find(Tokens.manufacturer("ZZZZ"), FindRobotsRequest.newBuilder().setModelCode(model))).isEmpty();
        assertThat(find(Tokens.token("op", "OPERATOR", "org_id", "org-z"), FindRobotsRequest.newBuilder()
                .setModelCode(model))).containsExactly(robots.get(2));
        assertThat(find(Tokens.regulator(), FindRobotsRequest.newBuilder().setModelCode(model)
                .setStatus(RobotStatus.ROBOT_STATUS_IN_STOCK))).containsAll(robots);

        refused(() -> find(Tokens.role("ROBOT"), FindRobotsRequest.newBuilder().setModelCode(model)),
                Status.Code.PERMISSION_DENIED);
        invalid(() -> find(Tokens.regulator(), FindRobotsRequest.newBuilder()), "model_code");
        invalid(() -> find(Tokens.regulator(), FindRobotsRequest.newBuilder().addLots("L7").setModelCode(model)), "lots");
        invalid(() -> find(Tokens.regulator(), FindRobotsRequest.newBuilder().setModelCode("bad")), "model_code");
    }

    static List<String> find(String token, FindRobotsRequest.Builder request) {
        return fleet.as(token).findRobots(request.build()).getRobotsList().stream().map(RobotState::getRobotId).toList();
    }

    @Test
    void aStreamOfEventsIsRecordedInOrderAndRefusalsAreReportedPerRequest() throws Exception {
        String robot = fleet.robots.get(4);
        String maker = Tokens.manufacturer(fleet.manufacturerCode);
        fleet.as(maker).recordEvent(event(robot, produced()).build());
        fleet.as(maker).recordEvent(event(robot, sold("org-a")).build());
        fleet.as(Tokens.token("op", "OPERATOR", "org_id", "org-a")).recordEvent(event(robot, deployed("org-a")).build());

        SingleAnswer<RecordEventsResponse> answer = new SingleAnswer<>();
        StreamObserver<RecordEventsRequest> upload = fleet.async(Tokens.token("r", "ROBOT", "robot_id", robot))
                .withDeadlineAfter(30, TimeUnit.SECONDS).recordEvents(answer);
        List<RecordEventRequest> sent = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            // 7: bad input, refused before the batch's transaction; 12: not the robot's to record,
            // refused inside it (left out; the rest of the batch kept, chained without it).
            sent.add(event(robot, i == 12 ? suspended() : telemetry(i == 7 ? 150 : 95 - i)).build());
        }
        sent.forEach(r -> upload.onNext(RecordEventsRequest.newBuilder().setEvent(r).build()));
        upload.onCompleted();
        RecordEventsResponse response = answer.await(30, TimeUnit.SECONDS);
        assertThat(response.getRecorded()).as(response.toString()).isEqualTo(18);
        assertThat(response.getRefusedList()).extracting(RefusedEvent::getIndex, RefusedEvent::getCode,
                RefusedEvent::getRequestId).containsExactly(
                        org.assertj.core.groups.Tuple.tuple(7, "INVALID_ARGUMENT", sent.get(7).getRequestId()),
                        org.assertj.core.groups.Tuple.tuple(12, "PERMISSION_DENIED", sent.get(12).getRequestId()));
        assertThat(fleet.as(Tokens.auditor()).verifyChain(VerifyChainRequest.newBuilder().setRobotId(robot).build())
                .getIntact()).isTrue();
        RobotState state = fleet.as(Tokens.auditor()).getRobotStatus(GetRobotStatusRequest.newBuilder().setRobotId(robot)
                .build()).getState();
        assertThat(state.getLastSequence()).isEqualTo(3 + 18);
        // at least 95 - 19 = 76 %: above the default 70 % limit, so not due yet.
        assertThat(state.getMaintenanceDue()).isFalse();
    }

    @Test
    void telemetryPastAThresholdMarksTheRobotDueUntilMaintained() {
        String robot = fleet.robots.get(5);
        String maker = Tokens.manufacturer(fleet.manufacturerCode);
        fleet.as(maker).recordEvent(event(robot, produced()).build());
        String self = Tokens.token("r", "ROBOT", "robot_id", robot);
        fleet.as(self).recordEvent(event(robot, telemetry(65)).build());
        assertThat(status(robot).getMaintenanceDue()).isTrue();
        fleet.as(Tokens.role("SERVICE_PROVIDER")).recordEvent(event(robot, EventPayload.newBuilder()
                .setMaintenancePerformed(MaintenancePerformed.newBuilder().setDescription("battery swap")).build()).build());
        RobotState maintained = status(robot);
        assertThat(maintained.getMaintenanceDue()).isFalse();
        assertThat(maintained.hasLastMaintenanceAt()).isTrue();
    }

    static RobotState status(String robot) {
        return fleet.as(Tokens.auditor()).getRobotStatus(GetRobotStatusRequest.newBuilder().setRobotId(robot).build())
                .getState();
    }

    static RecordEventsResponse upload(String token, List<RecordEventRequest> requests) throws Exception {
        SingleAnswer<RecordEventsResponse> answer = new SingleAnswer<>();
        StreamObserver<RecordEventsRequest> upload = fleet.async(token).withDeadlineAfter(30, TimeUnit.SECONDS)
                .recordEvents(answer);
        requests.forEach(r -> upload.onNext(RecordEventsRequest.newBuilder().setEvent(r).build()));
        upload.onCompleted();
        return answer.await(30, TimeUnit.SECONDS);
    }

    @Test
    void aRetriedStreamRecordsNothingTwiceAndARequestIdReusedForOtherContentIsRefused() throws Exception {
        String robot = fleet.robots.get(6);
        String maker = Tokens.manufacturer(fleet.manufacturerCode);
        fleet.as(maker).recordEvent(event(robot, produced()).build());
        fleet.as(maker).recordEvent(event(robot, sold("org-a")).build());
        fleet.as(Tokens.token("op", "OPERATOR", "org_id", "org-a")).recordEvent(event(robot, deployed("org-a")).build());
        String self = Tokens.token("r", "ROBOT", "robot_id", robot);
        List<RecordEventRequest> sent = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            sent.add(event(robot, telemetry(90 - i)).build());
        }
        // The same request twice in one stream, then the same id with other content.
        sent.add(sent.get(1));
        sent.add(sent.get(2).toBuilder().setPayload(telemetry(12)).build());

        RecordEventsResponse first = upload(self, sent);
        assertThat(first.getRecorded()).as(first.toString()).isEqualTo(6);
        assertThat(first.getRefusedList()).singleElement().satisfies(refusal -> {
            assertThat(refusal.getIndex()).isEqualTo(6);
            assertThat(refusal.getCode()).isEqualTo("INVALID_ARGUMENT");
            assertThat(refusal.getMessage()).contains("request_id");
        });
        long sequence = fleet.as(self).getRobotStatus(GetRobotStatusRequest.newBuilder().setRobotId(robot).build())
                .getState().getLastSequence();
        assertThat(sequence).isEqualTo(3 + 5);

        // A client that lost the answer sends the whole stream again: the same answers, nothing new.
        RecordEventsResponse retried = upload(self, sent);
        assertThat(retried).isEqualTo(first);
        assertThat(fleet.as(self).getRobotStatus(GetRobotStatusRequest.newBuilder().setRobotId(robot).build())
                .getState().getLastSequence()).isEqualTo(sequence);
        // A single retry of a streamed event answers the event the stream recorded.
        LifecycleEvent stored = fleet.as(self).recordEvent(sent.get(3)).getEvent();
        assertThat(stored.getSequence()).isEqualTo(4 + 3);
        assertThat(fleet.as(Tokens.auditor()).verifyChain(VerifyChainRequest.newBuilder().setRobotId(robot).build())
                .getIntact()).isTrue();
    }

    @Test
    void theSameStreamSentTwiceAtOnceRecordsEachEventOnceAndBothGetItsAnswer() throws Exception {
        // 30 robots produced by two identical streams racing: the ids are recorded by whichever batch
        // commits first; the other batch rolls back and answers them as retries (the same events).
        List<String> robots = fleet.robots.subList(8, 38);
        String maker = Tokens.manufacturer(fleet.manufacturerCode);
        List<RecordEventRequest> sent = new ArrayList<>();
        robots.forEach(robot -> sent.add(event(robot, produced()).build()));
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var a = pool.submit(() -> upload(maker, sent));
            var b = pool.submit(() -> upload(maker, sent));
            assertThat(a.get().getRecorded()).as(a.get().toString()).isEqualTo(robots.size());
            assertThat(b.get().getRecorded()).as(b.get().toString()).isEqualTo(robots.size());
        } finally {
            pool.shutdownNow();
        }
        for (RecordEventRequest request : sent) {
            assertThat(fleet.as(maker).getRobotStatus(GetRobotStatusRequest.newBuilder().setRobotId(request.getRobotId())
                    .build()).getState().getLastSequence()).as(request.getRobotId()).isEqualTo(1);
            // a retry now answers the one event that was recorded
            assertThat(fleet.as(maker).recordEvent(request).getEvent().getSequence()).isEqualTo(1);
        }
    }

    @Test
    void requestIdsUsedAtOnceForOtherRobotsAreRecordedOnceAndRefusedForTheOther() throws Exception {
        // Two streams at once with the same request ids for different robots: whichever commits first records
        // its events; the other finds the ids taken (after its own batch rolled back, if they raced) and is
        // refused REQUEST_ID_REUSED for each, recording nothing.
        List<String> robots = fleet.robots.subList(38, 58);
        String maker = Tokens.manufacturer(fleet.manufacturerCode);
        List<RecordEventRequest> left = new ArrayList<>();
        List<RecordEventRequest> right = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            RecordEventRequest request = event(robots.get(i), produced()).build();
            left.add(request);
            right.add(request.toBuilder().setRobotId(robots.get(10 + i)).build());
        }
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        List<RecordEventsResponse> answers;
        try {
            var a = pool.submit(() -> upload(maker, left));
            var b = pool.submit(() -> upload(maker, right));
            answers = List.of(a.get(), b.get());
        } finally {
            pool.shutdownNow();
        }
        assertThat(answers).extracting(RecordEventsResponse::getRecorded).containsExactlyInAnyOrder(10, 0);
        RecordEventsResponse refused = answers.get(0).getRecorded() == 0 ? answers.get(0) : answers.get(1);
        assertThat(refused.getRefusedList()).hasSize(10).allSatisfy(r -> {
            assertThat(r.getCode()).isEqualTo("INVALID_ARGUMENT");
            assertThat(r.getMessage()).contains("request_id");
        });
        long recordedRobots = robots.stream().filter(robot -> fleet.as(maker).getRobotStatus(GetRobotStatusRequest
                .newBuilder().setRobotId(robot).build()).getState().getLastSequence() == 1).count();
        assertThat(recordedRobots).isEqualTo(10);
    }

    @Test
    void eventHistoryShowsCustodyAndTelemetryOnlyToThoseWhoMayKnowThem() {
        String robot = fleet.robots.get(7);
        String maker = Tokens.manufacturer(fleet.manufacturerCode);
        String owner = Tokens.token("op", "OPERATOR", "org_id", "org-q");
        fleet.as(maker).recordEvent(event(robot, produced()).build());
        fleet.as(maker).recordEvent(event(robot, sold("org-q")).build());
        fleet.as(owner).recordEvent(event(robot, deployed("org-q")).build());
        fleet.as(Tokens.token("r", "ROBOT", "robot_id", robot)).recordEvent(event(robot, telemetry(88)).build());
        ListEventsRequest request = ListEventsRequest.newBuilder().setRobotId(robot).build();

        for (String insider : List.of(owner, maker, Tokens.regulator(), Tokens.auditor())) {
            ListEventsResponse full = fleet.as(insider).listEvents(request);
            assertThat(full.getCustodyWithheld()).isFalse();
            assertThat(full.getEvents(1).getPayload().getSold().getBuyerOrgId()).isEqualTo("org-q");
            assertThat(full.getEvents(3).getPayload().hasTelemetrySummary()).isTrue();
            // every hash, link, payload and recorder checks out with the offline verifier, from what the API served
            assertThat(EventChainVerifier.verify(robot, full.getEventsList().stream().map(EventChainTest::served).toList(),
                    null).findings()).isEmpty();
        }
        for (String outsider : List.of(Tokens.token("op2", "OPERATOR", "org_id", "org-other"),
                Tokens.token("fixer", "SERVICE_PROVIDER", "org_id", "svc-1"), Tokens.role("CERTIFICATION_BODY"))) {
            ListEventsResponse withheld = fleet.as(outsider).listEvents(request);
            assertThat(withheld.getCustodyWithheld()).isTrue();
            assertThat(withheld.getEventsList()).extracting(LifecycleEvent::getType).containsExactly(
                    EventType.EVENT_TYPE_PRODUCED, EventType.EVENT_TYPE_SOLD, EventType.EVENT_TYPE_DEPLOYED,
                    EventType.EVENT_TYPE_TELEMETRY_SUMMARY);
            assertThat(withheld.getEvents(0).getPayload().getProduced().getFirmwareVersion()).isEqualTo("3.1.0");
            assertThat(withheld.getEventsList().subList(1, 4)).allSatisfy(e -> assertThat(e.hasPayload()).isFalse());
            assertThat(withheld.getEventsList()).allSatisfy(e -> {
                assertThat(e.getRecorded().getSubject()).isEmpty();
                assertThat(e.getRecorded().getOrganisation()).isEmpty();
                assertThat(e.getHash()).hasSize(64);
            });
            assertThat(withheld.toString()).doesNotContain("org-q");
            assertThat(withheld.getEventsList()).allSatisfy(e -> {
                assertThat(e.getPayloadSalt().isEmpty()).isEqualTo(!e.hasPayload());
                assertThat(e.getRecorderSalt().isEmpty()).isTrue();
            });
            // what may not be read is still checked: each hash and link verifies from the sealed bytes alone
            assertThat(EventChainVerifier.verify(robot, withheld.getEventsList().stream().map(EventChainTest::served).toList(),
                    null).findings()).isEmpty();
        }
        refused(() -> fleet.anonymous().listEvents(request), Status.Code.UNAUTHENTICATED);
    }
}
