package io.robotid.geofence.service;

import io.robotid.testkit.Filings;
import static io.robotid.geofence.support.Registry.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.robotid.geofence.engine.CertifiedTier;
import io.robotid.geofence.engine.IntelligenceLevel;
import io.robotid.geofence.engine.RobotProjection;
import io.robotid.geofence.engine.RobotStatus;
import io.robotid.geofence.engine.Tier;
import io.robotid.geofence.repository.ProjectionRepository;
import io.robotid.geofence.support.Registry;
import io.robotid.geofence.support.RegistryProcesses;
import io.robotid.proto.certification.v1.Environment;
import io.robotid.proto.certification.v1.OperatingConditions;
import io.robotid.proto.lifecycle.v1.EventPayload;
import io.robotid.proto.lifecycle.v1.Suspended;
import io.robotid.testkit.Tokens;

/**
 * The projections survive a restart: what the feeds said is stored with the positions, a projection
 * rebuilt from storage alone equals the live one, and a follower stopped while changes happen resumes
 * after its stored position and misses none of them.
 */
@QuarkusTest
@QuarkusTestResource(RegistryProcesses.class)
class FeedResumeIT {
    static Registry registry;
    static Filings.Maker maker;

    @Inject
    FeedFollowers followers;
    @Inject
    Projections projections;
    @Inject
    ProjectionRepository repository;

    @BeforeAll
    static void setUp() {
        registry = new Registry();
        maker = registry.maker(3);
        String body = registry.accredit();
        registry.pass(body, maker.modelCode(), io.robotid.proto.certification.v1.Tier.TIER_BASE_SAFETY,
                OperatingConditions.newBuilder().setMaxSpeedMPerS(2.0).setEnvironment(Environment.ENVIRONMENT_INDOOR_ONLY)
                        .setPeopleNearbyAllowed(false).addAllowedTaskCategories("cleaning").build());
        registry.pass(body, maker.robots().get(0), io.robotid.proto.certification.v1.Tier.TIER_BASE_SAFETY,
                OperatingConditions.newBuilder().setMaxSpeedMPerS(1.5).setEnvironment(Environment.ENVIRONMENT_INDOOR_AND_OUTDOOR)
                        .setPeopleNearbyAllowed(true).addAllowedTaskCategories("cleaning").addAllowedTaskCategories("delivery").build());
        registry.inService(maker, maker.robots().get(0), "op-resume");
        registry.inService(maker, maker.robots().get(2), "op-resume-2");
    }

    @AfterAll
    static void tearDown() throws InterruptedException {
        registry.close();
    }

    @Test
    void aProjectionRebuiltFromStorageEqualsTheLiveOneWithModelAndUnitCertificatesCombined() {
        String robot = maker.robots().get(0);
        await("robot projected with its level and tier", () -> {
            RobotProjection p = projections.get(robot);
            return p.known() && p.intelligenceLevel() != null && p.certifications().containsKey(Tier.BASE_SAFETY);
        });
        RobotProjection live = projections.get(robot);
        assertThat(live.status()).isEqualTo(RobotStatus.IN_SERVICE);
        assertThat(live.operatorOrg()).isEqualTo("op-resume");
        assertThat(live.intelligenceLevel()).isEqualTo(IntelligenceLevel.L2);
        CertifiedTier base = live.certifications().get(Tier.BASE_SAFETY);
        // the tightest of the model's and the unit's certificate
        assertThat(base.conditions().maxSpeedMps()).isEqualTo(1.5);
        assertThat(base.conditions().environment()).isEqualTo(io.robotid.geofence.engine.Environment.INDOOR_ONLY);
        assertThat(base.conditions().peopleNearbyAllowed()).isFalse();
        assertThat(base.conditions().allowedTaskCategories()).containsExactly("cleaning");

        ProjectionRepository.Stored stored = repository.loadAll().await().atMost(Duration.ofSeconds(10));
        Projections rebuilt = new Projections(new PermissionWatch(Clock.systemUTC()), Clock.systemUTC());
        stored.levels().forEach((model, level) -> rebuilt.applyLevel(model, IntelligenceLevel.valueOf(level)));
        assertThat(ProjectionChecks.problems(stored)).as("every stored entry checks out against its seal").isEmpty();
        // read back a row a page, so that the robots span several pages
        await("the second robot projected", () -> projections.get(maker.robots().get(2)).known());
        java.util.List<ProjectionRepository.StoredStatus> statuses = new java.util.ArrayList<>();
        java.util.List<Integer> pages = new java.util.ArrayList<>();
        long robots = repository.forEachStatus(1, page -> {
            pages.add(page.size());
            statuses.addAll(page);
        }).await().atMost(Duration.ofSeconds(10));
        assertThat(robots).isEqualTo(statuses.size()).isGreaterThanOrEqualTo(2);
        assertThat(statuses).extracting(ProjectionRepository.StoredStatus::robotId)
                .contains(maker.robots().get(0), maker.robots().get(2));
        assertThat(pages).as("full pages, then the empty one that ends the reading").endsWith(0).hasSize(statuses.size() + 1);
        assertThat(statuses).extracting(ProjectionRepository.StoredStatus::robotId).isSorted().doesNotHaveDuplicates();
        assertThat(ProjectionChecks.statusProblems(statuses)).as("every stored status checks out against its seal").isEmpty();
        statuses.forEach(s -> rebuilt.applyStatus(s.entry()));
        stored.certifications().forEach(c -> {
            if (c.entry().hasCertificate()) {
                rebuilt.applyCertificate(c.entry().getCertificate());
            } else {
                rebuilt.applyRevalidation(c.entry().getRevalidation());
            }
        });
        assertThat(rebuilt.get(robot)).isEqualTo(live);
    }

    @Test
    void aStoppedFollowerResumesAfterItsStoredPositionAndMissesNothing() {
        String robot = maker.robots().get(1);
        registry.inService(maker, robot, "op-resume");
        await("in service", () -> projections.get(robot).status() == RobotStatus.IN_SERVICE);
        long before = repository.position(ProjectionRepository.LIFECYCLE).await().atMost(Duration.ofSeconds(5));

        followers.lifecycle().stop();
        try {
            registry.record(Tokens.regulator(), robot, EventPayload.newBuilder().setSuspended(Suspended.newBuilder()
                    .setReason("while the follower is away")).build());
            sleep(500);
            assertThat(projections.get(robot).suspended()).as("nothing applied while stopped").isFalse();
            assertThat(repository.position(ProjectionRepository.LIFECYCLE).await().atMost(Duration.ofSeconds(5))).isEqualTo(before);
        } finally {
            followers.lifecycle().start();
        }
        await("the suspension applied after resuming", () -> projections.get(robot).suspended()
                || projections.get(robot).status() == RobotStatus.SUSPENDED);
        assertThat(repository.position(ProjectionRepository.LIFECYCLE).await().atMost(Duration.ofSeconds(5))).isGreaterThan(before);
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
