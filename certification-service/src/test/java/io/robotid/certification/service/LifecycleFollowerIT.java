package io.robotid.certification.service;

import io.robotid.testkit.Filings;
import static io.robotid.certification.support.Lifecycle.*;
import static io.robotid.certification.support.Registry.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.robotid.certification.support.Registry;
import io.robotid.certification.support.RegistryProcesses;
import io.robotid.kit.error.DomainException;
import io.robotid.kit.error.ErrorKind;
import io.robotid.proto.certification.v1.GetEffectiveCertificationsRequest;
import io.robotid.proto.certification.v1.RevalidationNeed;
import io.robotid.proto.certification.v1.Tier;
import io.robotid.proto.lifecycle.v1.ComponentCategory;
import io.robotid.proto.lifecycle.v1.RecordEventResponse;
import io.robotid.proto.lifecycle.v1.WatchStatusChangesRequest;
import io.robotid.proto.lifecycle.v1.WatchStatusChangesResponse;
import io.robotid.testkit.Tokens;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The lifecycle feed follower across a stop and a start: changes made while it is stopped are
 * applied when it resumes from its stored position, and nothing is applied twice, also when the
 * same entry comes again. An entry that does not match its seal (EVIDENCE.md section 5) is refused
 * with DATA_LOSS and nothing of it applied, also when it was changed in lifecycle-service's database.
 */
@QuarkusTest
@QuarkusTestResource(RegistryProcesses.class)
class LifecycleFollowerIT {
    static Registry registry;
    static Filings.Maker maker;
    static final String SERVICE = Tokens.role("SERVICE_PROVIDER");

    @Inject
    LifecycleFollower follower;
    @Inject
    Pool database;

    @BeforeAll
    static void setUp() {
        registry = new Registry();
        maker = registry.maker(10);
        for (String robot : maker.robots()) {
            registry.lifecycle(maker.token()).recordEvent(event(robot, produced()));
        }
    }

    @AfterAll
    static void tearDown() throws InterruptedException {
        registry.close();
    }

    @AfterEach
    void running() {
        follower.start();
    }

    long marks(String robot) {
        return database.preparedQuery("select count(*) from revalidation_mark where robot_id = $1")
                .execute(Tuple.of(robot)).await().atMost(Duration.ofSeconds(10)).iterator().next().getLong(0);
    }

    static List<Tier> needs(String robot) {
        return registry.as(Tokens.auditor()).getEffectiveCertifications(GetEffectiveCertificationsRequest.newBuilder()
                .setRobotId(robot).build()).getNeedsRevalidationList().stream().map(RevalidationNeed::getTier).toList();
    }

    RecordEventResponse replaceBattery(String robot, String from, String to) {
        return registry.lifecycle(SERVICE).recordEvent(event(robot, replaced(
                part(from, ComponentCategory.COMPONENT_CATEGORY_BATTERY, true),
                part(to, ComponentCategory.COMPONENT_CATEGORY_BATTERY, true))));
    }

    @Test
    void changesMadeWhileStoppedAreAppliedOnceAfterTheRestart() throws Exception {
        String robot = maker.robots().get(0);
        follower.stop();
        assertThat(follower.isRunning()).isFalse();
        long before = follower.position().await().atMost(Duration.ofSeconds(10));

        replaceBattery(robot, "BAT-9", "BAT-10");
        Thread.sleep(1500);
        assertThat(marks(robot)).as("nothing applied while stopped").isZero();

        follower.start();
        await("the follower resumes and applies the change", () -> marks(robot) == 1);
        assertThat(needs(robot)).containsExactly(Tier.TIER_BASE_SAFETY);
        long after = follower.position().await().atMost(Duration.ofSeconds(10));
        assertThat(after).isGreaterThan(before);

        // stop and start again: the stream resumes after the stored position; a later change on
        // another robot shows the follower is past the first one, which is still applied once
        follower.stop();
        follower.start();
        String later = maker.robots().get(1);
        replaceBattery(later, "BAT-9", "BAT-11");
        await("the later change is applied", () -> marks(later) == 1);
        assertThat(marks(robot)).isEqualTo(1);
    }

    @Test
    void anEntrySeenAgainChangesNothing() {
        String robot = maker.robots().get(2);
        RecordEventResponse recorded = replaceBattery(robot, "BAT-9", "BAT-12");
        await("the change is applied", () -> marks(robot) == 1);
        WatchStatusChangesResponse entry = entryOf(robot, recorded.getEvent().getSequence());

        // the same entry again (a resumed stream, a second replica): the position is past it
        assertThat(follower.apply(entry).await().atMost(Duration.ofSeconds(10))).isFalse();
        assertThat(marks(robot)).isEqualTo(1);
        assertThat(needs(robot)).containsExactly(Tier.TIER_BASE_SAFETY);
    }

    @Test
    void anEntryThatDoesNotMatchItsSealIsRefusedWithDataLoss() {
        String robot = maker.robots().get(3);
        RecordEventResponse recorded = replaceBattery(robot, "BAT-9", "BAT-13");
        await("the change is applied", () -> marks(robot) == 1);
        WatchStatusChangesResponse entry = entryOf(robot, recorded.getEvent().getSequence());
        long ahead = entry.getFeedSequence() + 1_000_000;

        // the same change as a later entry would carry it, but unsealed, or with a field changed after sealing
        for (WatchStatusChangesResponse forged : List.of(
                entry.toBuilder().setFeedSequence(ahead).build(),
                entry.toBuilder().setOperatorOrgId("org-elsewhere").build(),
                entry.toBuilder().setEventHash("0".repeat(64)).build(),
                entry.toBuilder().clearEntryHash().build())) {
            DomainException refused = catchThrowableOfType(DomainException.class, () -> follower.apply(forged));
            assertThat(refused).as(forged.toString()).isNotNull();
            assertThat(refused.kind()).isEqualTo(ErrorKind.DATA_LOSS);
            assertThat(refused.getMessage()).contains("does not match its seal");
        }
        assertThat(marks(robot)).isEqualTo(1);
    }

    @Test
    void aBatchIsAppliedInOneTransactionUpToAnEntryThatDoesNotMatchItsSeal() {
        List<String> robots = maker.robots().subList(5, 8);
        follower.stop();
        List<WatchStatusChangesResponse> entries = new java.util.ArrayList<>();
        for (String robot : robots) {
            entries.add(entryOf(robot, replaceBattery(robot, "BAT-9", "BAT-2" + robot.charAt(robot.length() - 2))
                    .getEvent().getSequence()));
        }
        WatchStatusChangesResponse forged = entries.get(1).toBuilder().setOperatorOrgId("org-elsewhere").build();

        // the entry before the forged one is stored with the position at it; the forged one and the one after are not
        DomainException refused = catchThrowableOfType(DomainException.class, () -> follower.applyAll(
                List.of(entries.get(0), forged, entries.get(2))).await().atMost(Duration.ofSeconds(10)));
        assertThat(refused).isNotNull();
        assertThat(refused.kind()).isEqualTo(ErrorKind.DATA_LOSS);
        assertThat(robots.stream().map(this::marks).toList()).containsExactly(1L, 0L, 0L);
        assertThat(follower.position().await().atMost(Duration.ofSeconds(10))).isEqualTo(entries.get(0).getFeedSequence());

        // the batch from there, as sealed: both stored in one go, the position at the last; the first again changes nothing
        follower.applyAll(entries).await().atMost(Duration.ofSeconds(10));
        assertThat(robots.stream().map(this::marks).toList()).containsExactly(1L, 1L, 1L);
        assertThat(follower.position().await().atMost(Duration.ofSeconds(10))).isEqualTo(entries.get(2).getFeedSequence());
        assertThat(needs(robots.get(1))).containsExactly(Tier.TIER_BASE_SAFETY);
    }

    /**
     * Two entries of one robot in one batch leave what they leave applied one batch each: the same marks, and the
     * same certification feed entries (each lists the robot's needs up to its own entry, not the batch's).
     */
    @Test
    void twoEntriesOfOneRobotInOneBatchLeaveWhatTheyLeaveOneAtATime() {
        String together = maker.robots().get(8);
        String apart = maker.robots().get(9);
        follower.stop();
        List<WatchStatusChangesResponse> batch = twoBatteryChanges(together);
        List<WatchStatusChangesResponse> oneByOne = twoBatteryChanges(apart);

        follower.applyAll(batch).await().atMost(Duration.ofSeconds(10));
        follower.applyAll(List.of(oneByOne.get(0))).await().atMost(Duration.ofSeconds(10));
        follower.applyAll(List.of(oneByOne.get(1))).await().atMost(Duration.ofSeconds(10));

        assertThat(markRows(together)).hasSize(2).isEqualTo(markRows(apart));
        List<List<String>> feedTogether = revalidationEntries(together);
        assertThat(feedTogether).hasSize(2).isEqualTo(revalidationEntries(apart));
        assertThat(feedTogether.get(0)).hasSize(1);
        assertThat(feedTogether.get(1)).hasSize(2);
        assertThat(follower.position().await().atMost(Duration.ofSeconds(10))).isEqualTo(oneByOne.get(1).getFeedSequence());
    }

    /** Two battery replacements of a robot, and their lifecycle feed entries. */
    private List<WatchStatusChangesResponse> twoBatteryChanges(String robot) {
        long first = replaceBattery(robot, "BAT-9", "BAT-30").getEvent().getSequence();
        long second = replaceBattery(robot, "BAT-30", "BAT-31").getEvent().getSequence();
        return List.of(entryOf(robot, first), entryOf(robot, second));
    }

    /** A robot's marks: tier, cause, event and whether open, in the order stored. */
    List<String> markRows(String robot) {
        List<String> rows = new java.util.ArrayList<>();
        database.preparedQuery("""
                select tier, cause, lifecycle_event_sequence, cleared_at is null as open from revalidation_mark
                where robot_id = $1 order by id""").execute(Tuple.of(robot)).await().atMost(Duration.ofSeconds(10))
                .forEach(row -> rows.add(row.getString("tier") + " | " + row.getString("cause") + " | "
                        + row.getLong("lifecycle_event_sequence") + " | " + row.getBoolean("open")));
        return rows;
    }

    /** The needs each of a robot's certification feed entries lists, as tier, cause and event, in feed order. */
    List<List<String>> revalidationEntries(String robot) {
        List<List<String>> entries = new java.util.ArrayList<>();
        database.preparedQuery("select body from certification_feed where robot_id = $1 order by sequence")
                .execute(Tuple.of(robot)).await().atMost(Duration.ofSeconds(10)).forEach(row -> {
                    try {
                        var entry = io.robotid.proto.certification.v1.WatchCertificationChangesResponse
                                .parseFrom(row.getBuffer("body").getBytes());
                        entries.add(entry.getRevalidation().getNeedsList().stream().map(need -> need.getTier() + " | "
                                + need.getCause() + " | " + need.getLifecycleEventSequence()).toList());
                    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                        throw new AssertionError(e);
                    }
                });
        return entries;
    }

    @Test
    void aFeedEntryChangedInLifecyclesDatabaseIsNotAppliedUntilItMatchesItsSealAgain() throws Exception {
        String robot = maker.robots().get(4);
        follower.stop();
        RecordEventResponse recorded;
        try {
            recorded = replaceBattery(robot, "BAT-9", "BAT-14");
            assertThat(lifecycleFeed("update status_feed set operator_org_id = 'org-elsewhere' where robot_id = ?"
                    + " and event_sequence = ?", robot, recorded.getEvent().getSequence())).isEqualTo(1);
        } finally {
            follower.start();
        }
        Thread.sleep(3000);
        assertThat(marks(robot)).as("a changed entry is refused, and the follower waits at it").isZero();
        assertThat(follower.position().await().atMost(Duration.ofSeconds(10))).isLessThan(entryNumber(robot,
                recorded.getEvent().getSequence()));

        lifecycleFeed("update status_feed set operator_org_id = '' where robot_id = ? and event_sequence = ?", robot,
                recorded.getEvent().getSequence());
        // restart, so the reconnect does not wait out the backoff the refusals built up
        follower.stop();
        follower.start();
        await("the entry, as sealed again, is applied", () -> marks(robot) == 1);
    }

    /** Runs a statement on lifecycle-service's test database (the real process's); answers the rows changed. */
    static int lifecycleFeed(String sql, String robot, long eventSequence) throws Exception {
        String url = ConfigProvider.getConfig().getValue("quarkus.datasource.jdbc.url", String.class)
                .replaceAll("/[^/]+$", "/robotid_lifecycle_cert");
        try (Connection c = DriverManager.getConnection(url,
                ConfigProvider.getConfig().getOptionalValue("quarkus.datasource.username", String.class).orElse("postgres"),
                ConfigProvider.getConfig().getOptionalValue("quarkus.datasource.password", String.class).orElse(""));
                PreparedStatement update = c.prepareStatement(sql)) {
            update.setString(1, robot);
            update.setLong(2, eventSequence);
            return update.executeUpdate();
        }
    }

    static long entryNumber(String robot, long eventSequence) {
        return entryOf(robot, eventSequence).getFeedSequence();
    }

    /** The lifecycle feed entry of a robot's event, read as a registry service reads it. */
    static WatchStatusChangesResponse entryOf(String robot, long eventSequence) {
        io.grpc.Context.CancellableContext call = io.grpc.Context.current().withCancellation();
        try {
            return call.call(() -> {
                var stream = registry.lifecycle(Tokens.role("REGISTRY_SERVICE"))
                        .watchStatusChanges(WatchStatusChangesRequest.newBuilder().setFromSequence(0).build());
                while (stream.hasNext()) {
                    WatchStatusChangesResponse next = stream.next();
                    if (next.getRobotId().equals(robot) && next.getEventSequence() == eventSequence) {
                        return next;
                    }
                }
                throw new AssertionError("no feed entry for " + robot + " #" + eventSequence);
            });
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            call.cancel(null);
        }
    }
}
