package io.robotid.identity.service;

import io.robotid.testkit.Filings;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.robotid.identity.support.Clients;
import io.robotid.identity.support.FilingServiceProcess;
import io.robotid.proto.identity.v1.GetIdentityRequest;
import io.robotid.proto.identity.v1.Identity;
import io.robotid.proto.identity.v1.IdentityStatus;
import io.robotid.proto.identity.v1.Verdict;
import io.robotid.proto.identity.v1.VerifyIdentityRequest;
import io.robotid.proto.lifecycle.v1.RobotStatus;
import io.robotid.proto.lifecycle.v1.WatchStatusChangesResponse;
import io.robotid.testkit.Tokens;

/**
 * IDs are retired from lifecycle-service's feed: entries saying a robot is decommissioned,
 * scrapped or recycled retire its ID (VerifyIdentity RETIRED, GetIdentity status RETIRED); other
 * statuses do not; an entry at or before the stored position changes nothing. (The follower's
 * stream against a real lifecycle-service is exercised by system-tests RobotWholeLifeSystemIT;
 * here lifecycle-service is not running, so the test hands the entries to the follower itself.)
 */
@QuarkusTest
@QuarkusTestResource(FilingServiceProcess.class)
class RetirementFollowerIT {
    static Clients clients;
    static List<Identity> robots;

    @Inject
    RetirementFollower follower;

    @BeforeAll
    static void setUp() {
        clients = new Clients();
        Filings.Maker maker = clients.fileMaker("Retiring Robotics Ltd.");
        robots = new java.util.ArrayList<>();
        clients.identity(maker.token()).issueIdentities(Clients.issue(maker, 7).build())
                .forEachRemaining(chunk -> robots.addAll(chunk.getIdentitiesList()));
        assertThat(robots).hasSize(7);
    }

    @AfterAll
    static void tearDown() throws InterruptedException {
        clients.close();
    }

    static Verdict verdict(Identity robot) {
        return clients.identityAnonymous().verifyIdentity(VerifyIdentityRequest.newBuilder()
                .setRobotId(robot.getRobotId()).build()).getVerdict();
    }

    /** An entry as lifecycle-service publishes it: sealed with the hash of its (here made-up) event. */
    static WatchStatusChangesResponse entry(long sequence, Identity robot, RobotStatus status) {
        WatchStatusChangesResponse e = WatchStatusChangesResponse.newBuilder().setFeedSequence(sequence)
                .setRobotId(robot.getRobotId()).setStatus(status).setEventSequence(sequence)
                .setEventHash("ab".repeat(32)).setChangedAt(com.google.protobuf.Timestamp.newBuilder().setSeconds(1_796_000_000))
                .build();
        return e.toBuilder().setEntryHash(io.robotid.evidence.codec.Hex.of(io.robotid.evidence.format.LifecycleFeedEntries.hash(
                new io.robotid.evidence.format.LifecycleFeedEntries.Entry(e.getFeedSequence(), e.getRobotId(),
                        e.getEventSequence(), io.robotid.evidence.codec.Hex.parse(e.getEventHash()), e.getStatus().name(),
                        e.getSuspended(), e.getOpenStopUseRecallsList(), e.getCause().name(),
                        java.time.Instant.ofEpochSecond(e.getChangedAt().getSeconds()), e.getOperatorOrgId(), new byte[0]))))
                .build();
    }

    @Test
    void anEntryThatDoesNotMatchItsSealIsRefusedAndNothingIsApplied() {
        long from = follower.position().await().atMost(Duration.ofSeconds(30));
        // an entry sealed for robot 5, changed on its way to name robot 6
        WatchStatusChangesResponse forged = entry(from + 1, robots.get(5), RobotStatus.ROBOT_STATUS_SCRAPPED).toBuilder()
                .setRobotId(robots.get(6).getRobotId()).build();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> apply(forged))
                .hasMessageContaining("does not match its seal");
        assertThat(follower.position().await().atMost(Duration.ofSeconds(30))).isEqualTo(from);
        assertThat(verdict(robots.get(6))).isEqualTo(Verdict.VERDICT_VALID);
    }

    boolean apply(WatchStatusChangesResponse entry) {
        return follower.apply(entry).await().atMost(Duration.ofSeconds(30));
    }

    @Test
    void decommissionedScrappedAndRecycledRobotsHaveTheirIdsRetiredOthersDoNot() {
        long from = follower.position().await().atMost(Duration.ofSeconds(30));
        Identity inService = robots.get(0);
        Identity decommissioned = robots.get(1);
        Identity scrapped = robots.get(2);
        Identity recycled = robots.get(3);
        Identity late = robots.get(4);
        for (Identity robot : robots) {
            assertThat(verdict(robot)).isEqualTo(Verdict.VERDICT_VALID);
        }

        for (RobotStatus status : List.of(RobotStatus.ROBOT_STATUS_IN_STOCK, RobotStatus.ROBOT_STATUS_IN_SERVICE,
                RobotStatus.ROBOT_STATUS_OUT_OF_SERVICE, RobotStatus.ROBOT_STATUS_SUSPENDED)) {
            apply(entry(++from, inService, status));
            assertThat(verdict(inService)).as(status.name()).isEqualTo(Verdict.VERDICT_VALID);
        }
        assertThat(apply(entry(++from, decommissioned, RobotStatus.ROBOT_STATUS_DECOMMISSIONED))).isTrue();
        assertThat(apply(entry(++from, scrapped, RobotStatus.ROBOT_STATUS_SCRAPPED))).isTrue();
        long recycledAt = ++from;
        assertThat(apply(entry(recycledAt, recycled, RobotStatus.ROBOT_STATUS_RECYCLED))).isTrue();
        assertThat(follower.position().await().atMost(Duration.ofSeconds(30))).isEqualTo(recycledAt);

        assertThat(verdict(decommissioned)).isEqualTo(Verdict.VERDICT_RETIRED);
        assertThat(verdict(scrapped)).isEqualTo(Verdict.VERDICT_RETIRED);
        assertThat(verdict(recycled)).isEqualTo(Verdict.VERDICT_RETIRED);
        assertThat(verdict(inService)).isEqualTo(Verdict.VERDICT_VALID);
        assertThat(clients.identity(Tokens.regulator()).getIdentity(GetIdentityRequest.newBuilder()
                .setRobotId(recycled.getRobotId()).build()).getIdentity().getStatus())
                .isEqualTo(IdentityStatus.IDENTITY_STATUS_RETIRED);

        // an entry the follower has applied already (a resumed stream sending it again) changes nothing
        assertThat(apply(entry(recycledAt, late, RobotStatus.ROBOT_STATUS_SCRAPPED))).isFalse();
        assertThat(verdict(late)).isEqualTo(Verdict.VERDICT_VALID);
        // seen again after a later entry moved the position: still retired, position unchanged
        assertThat(apply(entry(recycledAt, recycled, RobotStatus.ROBOT_STATUS_RECYCLED))).isFalse();
        assertThat(verdict(recycled)).isEqualTo(Verdict.VERDICT_RETIRED);
        assertThat(follower.position().await().atMost(Duration.ofSeconds(30))).isEqualTo(recycledAt);
    }
}
