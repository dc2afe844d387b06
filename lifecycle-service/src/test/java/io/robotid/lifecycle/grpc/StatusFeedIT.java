package io.robotid.lifecycle.grpc;

import static io.robotid.lifecycle.support.Fleet.*;
import static io.robotid.testkit.GrpcAssertions.invalid;
import static io.robotid.testkit.GrpcAssertions.refused;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.grpc.Context;
import io.grpc.Status;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.robotid.lifecycle.support.Fleet;
import io.robotid.lifecycle.support.RegistryProcesses;
import io.robotid.proto.lifecycle.v1.*;
import io.robotid.testkit.Tokens;

/** WatchStatusChanges: in order, resumable from the last sequence, nothing lost or repeated. */
@QuarkusTest
@QuarkusTestResource(RegistryProcesses.class)
class StatusFeedIT {

    static Fleet fleet;

    @BeforeAll
    static void setUp() {
        fleet = new Fleet().issue(3);
    }

    @AfterAll
    static void tearDown() throws InterruptedException {
        fleet.close();
    }

    /** Reads {@code count} changes after {@code from}, then hangs up. */
    static List<WatchStatusChangesResponse> read(long from, int count) {
        List<WatchStatusChangesResponse> out = new ArrayList<>();
        Context.CancellableContext call = Context.current().withCancellation();
        try {
            call.run(() -> {
                Iterator<WatchStatusChangesResponse> stream = fleet.as(Tokens.role("REGISTRY_SERVICE"))
                        .withDeadlineAfter(20, TimeUnit.SECONDS)
                        .watchStatusChanges(WatchStatusChangesRequest.newBuilder().setFromSequence(from).build());
                while (out.size() < count && stream.hasNext()) {
                    out.add(stream.next());
                }
            });
        } finally {
            call.cancel(null);
        }
        return out;
    }

    static long lastFeedSequence() {
        long last = 0;
        for (WatchStatusChangesResponse change : readAllAvailable()) {
            last = change.getFeedSequence();
        }
        return last;
    }

    /** Everything already in the feed: read until 1 s passes without a change. */
    static List<WatchStatusChangesResponse> readAllAvailable() {
        List<WatchStatusChangesResponse> out = new ArrayList<>();
        try {
            Iterator<WatchStatusChangesResponse> stream = fleet.as(Tokens.auditor()).withDeadlineAfter(2, TimeUnit.SECONDS)
                    .watchStatusChanges(WatchStatusChangesRequest.newBuilder().setFromSequence(0).build());
            while (stream.hasNext()) {
                out.add(stream.next());
            }
        } catch (io.grpc.StatusRuntimeException deadline) {
            // the feed never ends; the deadline ends this read
        }
        return out;
    }

    @Test
    void changesArriveInOrderAndAResumedFeedMissesNothingAndRepeatsNothing() {
        long start = lastFeedSequence();
        String robot = fleet.robots.get(0);
        String maker = Tokens.manufacturer(fleet.manufacturerCode);
        fleet.as(maker).recordEvent(event(robot, produced()).build());
        fleet.as(maker).recordEvent(event(robot, sold("org-a")).build()); // no status change: not in the feed
        fleet.as(Tokens.token("op", "OPERATOR", "org_id", "org-a")).recordEvent(event(robot, deployed("org-a")).build());

        List<WatchStatusChangesResponse> firstTwo = read(start, 2);
        assertThat(firstTwo).extracting(WatchStatusChangesResponse::getStatus)
                .containsExactly(RobotStatus.ROBOT_STATUS_IN_STOCK, RobotStatus.ROBOT_STATUS_IN_SERVICE);
        assertThat(firstTwo.get(1).getFeedSequence()).isGreaterThan(firstTwo.get(0).getFeedSequence());

        // The consumer went away after the first; more changes happen meanwhile.
        fleet.as(Tokens.regulator()).recordEvent(event(robot, suspended()).build());
        fleet.as(Tokens.regulator()).recordEvent(event(robot, reinstated()).build());

        List<WatchStatusChangesResponse> resumed = read(firstTwo.get(0).getFeedSequence(), 3);
        assertThat(resumed).extracting(WatchStatusChangesResponse::getFeedSequence).doesNotHaveDuplicates().isSorted();
        assertThat(resumed.get(0)).isEqualTo(firstTwo.get(1));
        assertThat(resumed).extracting(WatchStatusChangesResponse::getStatus).containsExactly(
                RobotStatus.ROBOT_STATUS_IN_SERVICE, RobotStatus.ROBOT_STATUS_SUSPENDED, RobotStatus.ROBOT_STATUS_IN_SERVICE);
        assertThat(resumed.get(1).getSuspended()).isTrue();
        assertThat(resumed.get(1).getCause()).isEqualTo(EventType.EVENT_TYPE_SUSPENDED);
    }

    @Test
    void aLiveConsumerSeesAChangeWithinASecond() throws Exception {
        long start = lastFeedSequence();
        String robot = fleet.robots.get(1);
        List<WatchStatusChangesResponse> seen = new ArrayList<>();
        Thread consumer = new Thread(() -> seen.addAll(read(start, 1)));
        consumer.start();
        Thread.sleep(300);
        long before = System.nanoTime();
        fleet.as(Tokens.manufacturer(fleet.manufacturerCode)).recordEvent(event(robot, produced()).build());
        consumer.join(5000);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - before);
        assertThat(seen).hasSize(1);
        assertThat(seen.get(0).getRobotId()).isEqualTo(robot);
        System.out.printf("status change reached a live feed consumer in %d ms%n", millis);
    }

    @Test
    void aNegativeStartIsRefused() {
        invalid(() -> fleet.as(Tokens.auditor()).watchStatusChanges(WatchStatusChangesRequest.newBuilder()
                .setFromSequence(-1).build()).hasNext(), "from_sequence");
    }

    @Test
    void theFeedCarriesTheOperatorAndConfigurationChanges() {
        long start = lastFeedSequence();
        String robot = fleet.robots.get(2);
        String maker = Tokens.manufacturer(fleet.manufacturerCode);
        fleet.as(maker).recordEvent(event(robot, produced()).build());
        fleet.as(maker).recordEvent(event(robot, sold("org-b")).build());
        fleet.as(Tokens.token("op", "OPERATOR", "org_id", "org-b")).recordEvent(event(robot, deployed("org-b")).build());
        Component newDrive = Component.newBuilder().setPartNumber("MTR-101").setLot("L9").setSerial("S9")
                .setSafetyRelevant(true).setCategory(ComponentCategory.COMPONENT_CATEGORY_ACTUATOR).build();
        fleet.as(Tokens.token("fixer", "SERVICE_PROVIDER", "org_id", "svc-1")).recordEvent(event(robot,
                EventPayload.newBuilder().setComponentReplaced(ComponentReplaced.newBuilder()
                        // named bare: the feed fills in what the configuration recorded
                        .setOldPart(Component.newBuilder().setPartNumber("MTR-100").setLot("L7").setSerial("S1"))
                        .setNewPart(newDrive).setReason("worn")).build()).build());
        fleet.as(maker).recordEvent(event(robot, EventPayload.newBuilder().setSoftwareUpdated(SoftwareUpdated.newBuilder()
                .setFirmwareVersion("3.2.0").setPackageSha256("b".repeat(64))).build()).build());

        List<WatchStatusChangesResponse> changes = read(start, 4);
        assertThat(changes).extracting(WatchStatusChangesResponse::getCause).containsExactly(
                EventType.EVENT_TYPE_PRODUCED, EventType.EVENT_TYPE_DEPLOYED, EventType.EVENT_TYPE_COMPONENT_REPLACED,
                EventType.EVENT_TYPE_SOFTWARE_UPDATED);
        assertThat(changes).extracting(WatchStatusChangesResponse::getEventSequence).containsExactly(1L, 3L, 4L, 5L);
        assertThat(changes.get(0).hasConfigurationChange()).isFalse();
        assertThat(changes.get(1).getOperatorOrgId()).isEqualTo("org-b");
        ConfigurationChange part = changes.get(2).getConfigurationChange();
        assertThat(part.getOldPart().getPartNumber()).isEqualTo("MTR-100");
        assertThat(part.getOldPart().getSafetyRelevant()).as("recorded at PRODUCED").isTrue();
        assertThat(part.getNewPart()).isEqualTo(newDrive);
        ConfigurationChange software = changes.get(3).getConfigurationChange();
        assertThat(software.getPreviousFirmwareVersion()).isEqualTo("3.1.0");
        assertThat(software.getFirmwareVersion()).isEqualTo("3.2.0");
        assertThat(software.getPreviousAiModelVersion()).isEqualTo("vla-1");
        assertThat(software.getAiModelVersion()).isEqualTo("vla-1");
        assertThat(changes).allSatisfy(change -> assertThat(change.getOperatorOrgId())
                .isEqualTo(change.getCause() == EventType.EVENT_TYPE_PRODUCED ? "" : "org-b"));
    }

    @Test
    void onlyRegistryServicesRegulatorsAndAuditorsMayFollowTheFeed() {
        WatchStatusChangesRequest request = WatchStatusChangesRequest.newBuilder().setFromSequence(0).build();
        for (String outsider : List.of(Tokens.manufacturer(fleet.manufacturerCode),
                Tokens.token("op", "OPERATOR", "org_id", "org-a"), Tokens.role("CERTIFICATION_BODY"),
                Tokens.token("r", "ROBOT", "robot_id", fleet.robots.get(0)))) {
            refused(() -> fleet.as(outsider).withDeadlineAfter(5, TimeUnit.SECONDS).watchStatusChanges(request).hasNext(),
                    Status.Code.PERMISSION_DENIED);
        }
        refused(() -> fleet.anonymous().withDeadlineAfter(5, TimeUnit.SECONDS).watchStatusChanges(request).hasNext(),
                Status.Code.UNAUTHENTICATED);
        refused(() -> fleet.as(Tokens.expired("REGISTRY_SERVICE")).withDeadlineAfter(5, TimeUnit.SECONDS)
                .watchStatusChanges(request).hasNext(), Status.Code.UNAUTHENTICATED);
    }
}
