package io.robotid.lifecycle.grpc;

import static io.robotid.lifecycle.support.Fleet.*;
import static io.robotid.testkit.GrpcAssertions.errorInfo;
import static io.robotid.testkit.GrpcAssertions.invalid;
import static io.robotid.testkit.GrpcAssertions.reason;
import static io.robotid.testkit.GrpcAssertions.refused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.robotid.kit.id.Mod3736;
import io.robotid.lifecycle.support.Fleet;
import io.robotid.lifecycle.support.RegistryProcesses;
import io.robotid.proto.lifecycle.v1.*;
import io.robotid.testkit.Tokens;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/** RecordEvent and the chain, against real identity and filing processes and the real database. */
@QuarkusTest
@QuarkusTestResource(RegistryProcesses.class)
class RecordEventIT {

    static Fleet fleet;
    static int next = 0;

    @Inject
    Pool database;

    @BeforeAll
    static void setUp() {
        fleet = new Fleet().issue(20);
    }

    @AfterAll
    static void tearDown() throws InterruptedException {
        fleet.close();
    }

    static synchronized String robot() {
        return fleet.robots.get(next++);
    }

    static String maker() {
        return Tokens.manufacturer(fleet.manufacturerCode);
    }

    static String operator(String org) {
        return Tokens.token("op-" + org, "OPERATOR", "org_id", org);
    }

    static LifecycleEvent record(String token, RecordEventRequest request) {
        return fleet.as(token).recordEvent(request).getEvent();
    }

    @Test
    void aStreamOfNewRobotsIsCheckedWithIdentityAtOnceAndARobotNeverIssuedIsRefusedAlone() throws Exception {
        String first = robot();
        String second = robot();
        String unissued = first.substring(0, 16) + "999999999998";
        String neverIssued = unissued + Mod3736.checkCharacter(unissued);
        List<RecordEventRequest> sent = List.of(event(first, produced()).build(), event(neverIssued, produced()).build(),
                event(second, produced()).build());
        io.robotid.testkit.SingleAnswer<RecordEventsResponse> answer = new io.robotid.testkit.SingleAnswer<>();
        var upload = fleet.async(maker()).withDeadlineAfter(30, java.util.concurrent.TimeUnit.SECONDS).recordEvents(answer);
        sent.forEach(r -> upload.onNext(RecordEventsRequest.newBuilder().setEvent(r).build()));
        upload.onCompleted();
        RecordEventsResponse response = answer.await(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(response.getRecorded()).as(response.toString()).isEqualTo(2);
        assertThat(response.getRefusedList()).extracting(RefusedEvent::getIndex, RefusedEvent::getCode)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1, "NOT_FOUND"));
        assertThat(response.getRefused(0).getMessage()).contains(neverIssued);
        assertThat(state(first).getLastSequence()).isEqualTo(1);
        assertThat(state(second).getLastSequence()).isEqualTo(1);
    }

    /**
     * A bulk upload waits in the client while the record is busy: the service takes a stream's events a batch at a
     * time (the kit's FlowControl), so a client that sends only when the transport is ready (as grpc-java's clients do) is
     * held to about a batch and the transport's windows. Before, the service took every event as it came.
     */
    @Test
    void aBulkStreamWaitsInTheClientWhileTheRecordIsBusy() throws Exception {
        String robot = inService();
        int total = 5_000;
        // telemetry summaries, as the robot itself sends them
        io.robotid.testkit.PacedUpload<RecordEventsRequest, RecordEventsResponse> upload = new io.robotid.testkit.PacedUpload<>(
                total, i -> RecordEventsRequest.newBuilder().setEvent(event(robot, telemetry(90))).build());
        // another writer holds the event table: the first batch waits for it
        var holder = database.getConnection().await().atMost(Duration.ofSeconds(10));
        try {
            holder.query("begin").execute().await().atMost(Duration.ofSeconds(10));
            holder.query("lock table event in exclusive mode").execute().await().atMost(Duration.ofSeconds(10));
            fleet.async(Tokens.robot(robot)).withDeadlineAfter(2, java.util.concurrent.TimeUnit.MINUTES).recordEvents(upload);
            int last = upload.settled(500);
            assertThat(last).as("events the client could send while the record was busy").isGreaterThan(0)
                    .isLessThan(2_000);
            assertThat(upload.answer()).isNotDone();
        } finally {
            holder.query("rollback").execute().await().atMost(Duration.ofSeconds(10));
            holder.close().await().atMost(Duration.ofSeconds(10));
        }
        RecordEventsResponse response = upload.await(2, java.util.concurrent.TimeUnit.MINUTES);
        assertThat(response.getRecorded()).as(response.getRefusedCount() > 0 ? response.getRefused(0).toString() : "")
                .isEqualTo(total);
        assertThat(state(robot).getLastSequence()).isEqualTo(3 + total);
    }

    @Test
    void aStreamWithoutATokenIsRefused() throws Exception {
        io.robotid.testkit.SingleAnswer<RecordEventsResponse> answer = new io.robotid.testkit.SingleAnswer<>();
        var upload = fleet.async(null).withDeadlineAfter(30, java.util.concurrent.TimeUnit.SECONDS).recordEvents(answer);
        upload.onNext(RecordEventsRequest.newBuilder().setEvent(event(robot(), produced())).build());
        upload.onCompleted();
        java.util.concurrent.ExecutionException failed = catchThrowableOfType(
                () -> answer.await(30, java.util.concurrent.TimeUnit.SECONDS), java.util.concurrent.ExecutionException.class);
        assertThat(failed).as("a stream without a token should have been refused").isNotNull();
        assertThat(Status.fromThrowable(failed.getCause()).getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    }

    /** A robot produced, sold to org A and deployed by it: IN_SERVICE. */
    static String inService() {
        String robot = robot();
        record(maker(), event(robot, produced()).build());
        record(maker(), event(robot, sold("org-a")).build());
        record(operator("org-a"), event(robot, deployed("org-a")).build());
        return robot;
    }

    static RobotState state(String robot) {
        return fleet.as(Tokens.auditor()).getRobotStatus(GetRobotStatusRequest.newBuilder().setRobotId(robot).build())
                .getState();
    }

    @Test
    void aWholeLifeFollowsTheStateMachineAndTheChainVerifies() {
        String robot = robot();
        assertThat(state(robot).getStatus()).isEqualTo(RobotStatus.ROBOT_STATUS_REGISTERED);
        LifecycleEvent first = record(maker(), event(robot.toLowerCase(), produced()).build());
        assertThat(first.getSequence()).isEqualTo(1);
        assertThat(first.getPreviousHash()).isEqualTo("0".repeat(64));
        assertThat(first.getStatusAfter()).isEqualTo(RobotStatus.ROBOT_STATUS_IN_STOCK);
        assertThat(first.getRecorded().getSubject()).isEqualTo("erp-" + fleet.manufacturerCode);

        record(maker(), event(robot, sold("org-a")).build());
        record(operator("org-a"), event(robot, deployed("org-a")).build());
        record(Tokens.token("robot", "ROBOT", "robot_id", robot), event(robot, telemetry(88)).build());
        assertThat(record(Tokens.regulator(), event(robot, suspended()).build()).getStatusAfter())
                .isEqualTo(RobotStatus.ROBOT_STATUS_SUSPENDED);
        assertThat(record(Tokens.regulator(), event(robot, reinstated()).build()).getStatusAfter())
                .isEqualTo(RobotStatus.ROBOT_STATUS_IN_SERVICE);
        record(Tokens.role("SERVICE_PROVIDER"), event(robot, EventPayload.newBuilder().setComponentReplaced(
                ComponentReplaced.newBuilder()
                        .setOldPart(Component.newBuilder().setPartNumber("MTR-100").setLot("L7").setSerial("S1"))
                        .setNewPart(Component.newBuilder().setPartNumber("MTR-100").setLot("L9").setSerial("S77"))
                        .setReason("worn")).build()).build());
        RobotState serviced = state(robot);
        assertThat(serviced.getComponentsList()).extracting(Component::getSerial).containsExactlyInAnyOrder("S2", "S77");
        assertThat(serviced.getOwnerOrgId()).isEqualTo("org-a");
        assertThat(serviced.getOperatorOrgId()).isEqualTo("org-a");

        String recycler = Tokens.role("RECYCLER");
        record(recycler, event(robot, decommissioned()).build());
        record(recycler, event(robot, EventPayload.newBuilder().setScrapped(Scrapped.newBuilder().setFacility("Plant 9"))
                .build()).build());
        LifecycleEvent last = record(recycler, event(robot, EventPayload.newBuilder().setRecycled(Recycled.newBuilder()
                .setFacility("Plant 9").setRecoveredMassKg(40)).build()).build());
        assertThat(last.getStatusAfter()).isEqualTo(RobotStatus.ROBOT_STATUS_RECYCLED);

        var terminal = refused(() -> record(Tokens.regulator(), event(robot, suspended()).build()),
                Status.Code.FAILED_PRECONDITION);
        assertThat(reason(terminal)).isEqualTo("EVENT_NOT_ALLOWED_IN_STATUS");
        assertThat(errorInfo(terminal).getMetadataMap()).containsEntry("status", "RECYCLED").containsEntry("event", "SUSPENDED");

        VerifyChainResponse verified = fleet.as(Tokens.auditor()).verifyChain(VerifyChainRequest.newBuilder()
                .setRobotId(robot).build());
        assertThat(verified.getIntact()).isTrue();
        assertThat(verified.getEventsChecked()).isEqualTo(last.getSequence());
        assertThat(fleet.as(Tokens.auditor()).listEvents(ListEventsRequest.newBuilder().setRobotId(robot)
                .addTypes(EventType.EVENT_TYPE_SUSPENDED).addTypes(EventType.EVENT_TYPE_REINSTATED).build())
                .getEventsList()).extracting(LifecycleEvent::getType)
                .containsExactly(EventType.EVENT_TYPE_SUSPENDED, EventType.EVENT_TYPE_REINSTATED);
    }

    @Test
    void eventsThatDoNotFitTheStatusAreRefusedNamingBoth() {
        String robot = robot();
        // The manufacturer may sell its robot, but not before producing it.
        var e = refused(() -> record(maker(), event(robot, sold("org-a")).build()), Status.Code.FAILED_PRECONDITION);
        assertThat(errorInfo(e).getMetadataMap()).containsEntry("status", "REGISTERED").containsEntry("event", "SOLD");
        record(maker(), event(robot, produced()).build());
        refused(() -> record(maker(), event(robot, produced()).build()), Status.Code.FAILED_PRECONDITION);
        refused(() -> record(Tokens.role("RECYCLER"), event(robot, EventPayload.newBuilder()
                .setScrapped(Scrapped.newBuilder().setFacility("x")).build()).build()), Status.Code.FAILED_PRECONDITION);
        refused(() -> record(Tokens.regulator(), event(robot, reinstated()).build()), Status.Code.FAILED_PRECONDITION);
    }

    @Test
    void onlyTheRightRoleAndOrganisationMayRecord() {
        String robot = inService();
        var e = refused(() -> record(operator("org-a"), event(robot, produced()).build()), Status.Code.PERMISSION_DENIED);
        assertThat(reason(e)).isEqualTo("NOT_ALLOWED_TO_RECORD_EVENT");
        refused(() -> record(Tokens.manufacturer("ZZZZ"), event(robot, EventPayload.newBuilder().setSoftwareUpdated(
                SoftwareUpdated.newBuilder().setFirmwareVersion("4").setPackageSha256("b".repeat(64))).build()).build()),
                Status.Code.PERMISSION_DENIED);
        refused(() -> record(operator("org-b"), event(robot, deployed("org-b")).build()), Status.Code.PERMISSION_DENIED);
        refused(() -> record(Tokens.token("r", "ROBOT", "robot_id", fleet.robots.get(11)), event(robot, telemetry(50))
                .build()), Status.Code.PERMISSION_DENIED);
        refused(() -> record(operator("org-a"), event(robot, suspended()).build()), Status.Code.PERMISSION_DENIED);
        refused(() -> record(Tokens.regulator(), event(robot, decommissioned()).build()), Status.Code.PERMISSION_DENIED);
        refused(() -> fleet.anonymous().recordEvent(event(robot, suspended()).build()), Status.Code.UNAUTHENTICATED);
        assertThat(state(robot).getLastSequence()).isEqualTo(3);
    }

    static EventPayload publicReport(boolean isPublic) {
        return EventPayload.newBuilder().setIncidentReported(IncidentReported.newBuilder()
                .setSeverity(IncidentSeverity.INCIDENT_SEVERITY_MEDIUM).setCategory(IncidentCategory.INCIDENT_CATEGORY_MALFUNCTION)
                .setPlace("Mall 3, level 2").setDescription("it bumped into a stroller").setPublicReport(isPublic)
                .setReference(isPublic ? "PR-7K2M9Q" : "").setReporterContact(isPublic ? "jo@example.org" : "")).build();
    }

    @Test
    void onlyThePublicPageRecordsPublicReportsAndTheyAwaitTriage() {
        String robot = inService();
        String resolver = Tokens.role("REGISTRY_SERVICE");
        RobotState deployed = state(robot);
        assertThat(deployed.getPublicContact().getEmail()).isEqualTo("desk@op.example");
        assertThat(deployed.getEmergencyContact().getPhone()).isEqualTo("+861055555555");
        assertThat(deployed.getDeploymentSite()).isEqualTo("Mall 3");

        LifecycleEvent report = record(resolver, event(robot, publicReport(true)).build());
        assertThat(report.getPayload().getIncidentReported().getReference()).isEqualTo("PR-7K2M9Q");
        assertThat(state(robot).getUntriagedPublicReports()).isEqualTo(1);
        // The resolver records nothing else; nobody else records public reports.
        refused(() -> record(resolver, event(robot, suspended()).build()), Status.Code.PERMISSION_DENIED);
        refused(() -> record(resolver, event(robot, publicReport(true).toBuilder().setIncidentReported(
                publicReport(true).getIncidentReported().toBuilder().setPublicReport(false).setReference("")
                        .setReporterContact("")).build()).build()), Status.Code.PERMISSION_DENIED);
        refused(() -> record(operator("org-a"), event(robot, publicReport(true)).build()), Status.Code.PERMISSION_DENIED);
        invalid(() -> record(operator("org-a"), event(robot, publicReport(true).toBuilder().setIncidentReported(
                publicReport(true).getIncidentReported().toBuilder().setPublicReport(false)).build()).build()),
                "payload.incident_reported.reference");
        // Reporters' contacts are personal data: hidden from those who may not know custody.
        ListEventsResponse outsider = fleet.as(Tokens.role("CERTIFICATION_BODY"))
                .listEvents(ListEventsRequest.newBuilder().setRobotId(robot).build());
        assertThat(outsider.getEvents(3).getPayload().getIncidentReported().getReporterContact()).isEmpty();
        assertThat(outsider.getEvents(3).getPayload().getIncidentReported().getPublicReport()).isTrue();
        assertThat(fleet.as(operator("org-a")).listEvents(ListEventsRequest.newBuilder().setRobotId(robot).build())
                .getEvents(3).getPayload().getIncidentReported().getReporterContact()).isEqualTo("jo@example.org");
        assertThat(state(robot).getLastSequence()).isEqualTo(4);
    }

    @Test
    void custodyChangesNeedBothSides() {
        String robot = inService();
        refused(() -> record(operator("org-b"), event(robot, EventPayload.newBuilder().setTransferAccepted(
                TransferAccepted.newBuilder()).build()).build()), Status.Code.FAILED_PRECONDITION);
        record(operator("org-a"), event(robot, EventPayload.newBuilder().setTransferInitiated(
                TransferInitiated.newBuilder().setToOrgId("org-b")).build()).build());
        refused(() -> record(operator("org-c"), event(robot, EventPayload.newBuilder().setTransferAccepted(
                TransferAccepted.newBuilder()).build()).build()), Status.Code.PERMISSION_DENIED);
        LifecycleEvent accepted = record(operator("org-b"), event(robot, EventPayload.newBuilder().setTransferAccepted(
                TransferAccepted.newBuilder().setFromOrgId("org-a")).build()).build());
        assertThat(accepted.getStatusAfter()).isEqualTo(RobotStatus.ROBOT_STATUS_OUT_OF_SERVICE);
        assertThat(state(robot).getOwnerOrgId()).isEqualTo("org-b");
        refused(() -> record(operator("org-a"), event(robot, deployed("org-a")).build()), Status.Code.PERMISSION_DENIED);
        // Custody is not for everyone: the former owner and a service provider see the status only.
        for (String outsider : List.of(operator("org-a"), Tokens.role("SERVICE_PROVIDER"))) {
            RobotState seen = fleet.as(outsider).getRobotStatus(GetRobotStatusRequest.newBuilder().setRobotId(robot)
                    .build()).getState();
            assertThat(seen.getStatus()).isEqualTo(RobotStatus.ROBOT_STATUS_OUT_OF_SERVICE);
            assertThat(seen.getOwnerOrgId()).isEmpty();
        }
        assertThat(fleet.as(operator("org-b")).getRobotStatus(GetRobotStatusRequest.newBuilder().setRobotId(robot)
                .build()).getState().getOwnerOrgId()).isEqualTo("org-b");
    }

    @Test
    void badInputNamesTheFieldAndRecordsNothing() {
        String robot = inService();
        invalid(() -> record(Tokens.token("r", "ROBOT", "robot_id", robot), event(robot, telemetry(101)).build()),
                "payload.telemetry_summary.battery_health_pct");
        invalid(() -> record(Tokens.token("r", "ROBOT", "robot_id", robot), event(robot, telemetry(-1)).build()),
                "payload.telemetry_summary.battery_health_pct");
        invalid(() -> record(Tokens.role("RECYCLER"), event(robot, EventPayload.newBuilder().setDecommissioned(
                Decommissioned.newBuilder().setReason("x")).build()).build()), "payload.decommissioned.data_wipe");
        invalid(() -> record(maker(), event(robot, EventPayload.getDefaultInstance()).build()), "payload");
        invalid(() -> record(maker(), event(robot, produced()).clearOccurredAt().build()), "occurred_at");
        invalid(() -> record(maker(), event(robot, produced()).setOccurredAt(com.google.protobuf.Timestamp.newBuilder()
                .setSeconds(System.currentTimeMillis() / 1000 + 3600)).build()), "occurred_at");
        invalid(() -> record(maker(), event("CN123", produced()).build()), "robot_id");
        invalid(() -> record(maker(), event(robot, produced()).setRequestId("nope").build()), "request_id");
        invalid(() -> record(maker(), event(robot, produced()).setExpectedSequence(-1).build()), "expected_sequence");
        invalid(() -> record(maker(), event(robot, EventPayload.newBuilder().setProduced(Produced.newBuilder()
                .setBuildDate("yesterday").setFactoryTestPassed(true).setFirmwareVersion("1")).build()).build()),
                "payload.produced.build_date");
        invalid(() -> record(Tokens.token("fixer", "SERVICE_PROVIDER", "org_id", "svc-1"), event(robot,
                EventPayload.newBuilder().setComponentReplaced(ComponentReplaced.newBuilder()
                        .setOldPart(Component.newBuilder().setPartNumber("MTR-100").setLot("L7").setSerial("S1"))
                        .setNewPart(Component.newBuilder().setPartNumber("MTR-101").setLot("L8").setSerial("S2")
                                .setCategoryValue(99))).build()).build()),
                "payload.component_replaced.new_part.category");
        String neverIssued = robot.substring(0, 16) + "999999999999";
        refused(() -> record(maker(), event(neverIssued + Mod3736.checkCharacter(neverIssued), produced()).build()),
                Status.Code.NOT_FOUND);
        assertThat(state(robot).getLastSequence()).isEqualTo(3);
    }

    @Test
    void ofTwoWritersExpectingTheSameSequenceExactlyOneSucceeds() throws Exception {
        String robot = inService();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Callable<String>> writers = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                writers.add(() -> {
                    try {
                        record(Tokens.token("r", "ROBOT", "robot_id", robot), event(robot, telemetry(80))
                                .setExpectedSequence(4).build());
                        return "OK";
                    } catch (StatusRuntimeException e) {
                        return e.getStatus().getCode().name();
                    }
                });
            }
            List<String> outcomes = new ArrayList<>();
            for (Future<String> f : pool.invokeAll(writers)) {
                outcomes.add(f.get());
            }
            assertThat(outcomes).containsExactlyInAnyOrder("OK", "ABORTED");
        } finally {
            pool.shutdownNow();
        }
        assertThat(state(robot).getLastSequence()).isEqualTo(4);
    }

    @Test
    void aRetryReturnsTheSameEvent() {
        String robot = robot();
        RecordEventRequest request = event(robot, produced()).build();
        LifecycleEvent first = record(maker(), request);
        assertThat(record(maker(), request)).isEqualTo(first);
        assertThat(state(robot).getLastSequence()).isEqualTo(1);
    }

    @Test
    void aRetryIsAnsweredFromTheChainAndAnEventDeletedSinceIsDataLoss() {
        String robot = robot();
        RecordEventRequest request = event(robot, produced()).build();
        LifecycleEvent first = record(maker(), request);
        // the write record keeps a reference (robot, sequence, hash); the retry reads the event again
        assertThat(record(maker(), request)).isEqualTo(first);
        deleteEvents(robot, "1");
        StatusRuntimeException lost = catchThrowableOfType(() -> record(maker(), request), StatusRuntimeException.class);
        assertThat(lost.getStatus().getCode()).isEqualTo(Status.Code.DATA_LOSS);
        assertThat(lost.getStatus().getDescription()).contains("event 1 of robot " + robot).contains("missing");
    }

    @Test
    void anEventAlteredInTheDatabaseIsCaughtAtItsSequence() {
        String robot = inService();
        record(Tokens.token("r", "ROBOT", "robot_id", robot), event(robot, telemetry(70)).build());
        // the sale's payload replaced by another buyer's, as someone with database access could
        database.preparedQuery("update event set payload = $1 where robot_id = $2 and sequence = 2")
                .execute(Tuple.of(io.vertx.core.buffer.Buffer.buffer(sold("org-evil").toByteArray()), robot))
                .await().atMost(Duration.ofSeconds(5));

        VerifyChainResponse verified = fleet.as(Tokens.auditor()).verifyChain(VerifyChainRequest.newBuilder()
                .setRobotId(robot).build());
        assertThat(verified.getIntact()).isFalse();
        assertThat(verified.getFirstBrokenSequence()).isEqualTo(2);
        assertThat(verified.getDiscrepanciesList()).anySatisfy(d -> {
            assertThat(d.getTable()).isEqualTo("event");
            assertThat(d.getKey()).isEqualTo("sequence=2");
            assertThat(d.getColumn()).isEqualTo("payload");
        });
    }

    /** Deletes event rows of {@code robot} directly in the database, as someone with database access could. */
    private void deleteEvents(String robot, String sequences) {
        database.preparedQuery("delete from event where robot_id = $1 and sequence = any($2::bigint[])")
                .execute(Tuple.of(robot, java.util.Arrays.stream(sequences.split(",")).map(Long::valueOf)
                        .toArray(Long[]::new)))
                .await().atMost(Duration.ofSeconds(5));
    }

    private VerifyChainResponse verify(String robot) {
        return fleet.as(Tokens.auditor()).verifyChain(VerifyChainRequest.newBuilder().setRobotId(robot).build());
    }

    @Test
    void anEventDeletedFromTheMiddleIsCaughtAtItsSequence() {
        String robot = inService();
        record(Tokens.token("r", "ROBOT", "robot_id", robot), event(robot, telemetry(70)).build());
        long last = state(robot).getLastSequence();
        assertThat(verify(robot).getIntact()).isTrue();
        deleteEvents(robot, "2");
        VerifyChainResponse verified = verify(robot);
        assertThat(verified.getIntact()).isFalse();
        assertThat(verified.getFirstBrokenSequence()).isEqualTo(2);
        // every remaining event is still checked (and named when it does not check out)
        assertThat(verified.getEventsChecked()).isEqualTo(last - 1);
        assertThat(last).isGreaterThan(2);
    }

    @Test
    void eventsDeletedFromTheEndAreCaughtAgainstTheRobotsHead() {
        String robot = inService();
        record(Tokens.token("r", "ROBOT", "robot_id", robot), event(robot, telemetry(70)).build());
        long last = state(robot).getLastSequence();
        // the remaining chain is consistent in itself: only the robot row's head tells what is missing
        deleteEvents(robot, Long.toString(last));
        VerifyChainResponse verified = verify(robot);
        assertThat(verified.getIntact()).isFalse();
        assertThat(verified.getFirstBrokenSequence()).isEqualTo(last);
        assertThat(verified.getEventsChecked()).isEqualTo(last - 1);
    }

    @Test
    void everyEventDeletedIsCaughtAtTheFirst() {
        String robot = inService();
        long last = state(robot).getLastSequence();
        deleteEvents(robot, java.util.stream.LongStream.rangeClosed(1, last).mapToObj(Long::toString)
                .collect(java.util.stream.Collectors.joining(",")));
        VerifyChainResponse verified = verify(robot);
        assertThat(verified.getIntact()).isFalse();
        assertThat(verified.getFirstBrokenSequence()).isEqualTo(1);
    }
}
