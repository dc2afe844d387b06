package io.robotid.certification.service;

import static io.robotid.certification.support.Lifecycle.*;
import static io.robotid.certification.support.Registry.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.robotid.certification.support.Registry;
import io.robotid.certification.support.RegistryProcesses;
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
 * same entry comes again.
 */
@QuarkusTest
@QuarkusTestResource(RegistryProcesses.class)
class LifecycleFollowerTest {
    static Registry registry;
    static Registry.Maker maker;
    static final String SERVICE = Tokens.role("SERVICE_PROVIDER");

    @Inject
    LifecycleFollower follower;
    @Inject
    Pool database;

    @BeforeAll
    static void setUp() {
        registry = new Registry();
        maker = registry.maker(3);
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
