package io.robotid.certification.grpc;

import io.robotid.testkit.Filings;
import static io.robotid.certification.support.Registry.*;
import static io.robotid.testkit.GrpcAssertions.invalid;
import static io.robotid.testkit.GrpcAssertions.refused;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.grpc.Status;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.robotid.certification.support.Registry;
import io.robotid.certification.support.RegistryProcesses;
import io.robotid.proto.certification.v1.*;
import io.robotid.proto.filing.v1.CapabilityProfile;
import io.robotid.proto.filing.v1.IntelligenceLevel;
import io.robotid.testkit.Tokens;

/** GetEffectiveCertifications over gRPC, with certificates posted for real models and robots. */
@QuarkusTest
@QuarkusTestResource(RegistryProcesses.class)
class EffectiveCertificationsGrpcIT {
    static Registry registry;
    static String body;

    @BeforeAll
    static void setUp() {
        registry = new Registry();
        body = registry.accredit(Tier.TIER_BASE_SAFETY, Tier.TIER_MOBILITY, Tier.TIER_PUBLIC_SPACE,
                Tier.TIER_DATA_SECURITY, Tier.TIER_PHYSICAL_INTERACTION, Tier.TIER_TASK_SPECIFIC);
    }

    @AfterAll
    static void tearDown() throws InterruptedException {
        registry.close();
    }

    static GetEffectiveCertificationsResponse effective(String robot, Instant at) {
        GetEffectiveCertificationsRequest.Builder b = GetEffectiveCertificationsRequest.newBuilder().setRobotId(robot);
        if (at != null) {
            b.setAt(ts(at));
        }
        return registry.as(Tokens.role("ROBOT")).getEffectiveCertifications(b.build());
    }

    @Test
    void modelAndUnitCertificatesCombineWithTheTightestConditions() {
        Filings.Maker maker = registry.maker(1);
        String robot = maker.robots().get(0);
        registry.as(body(body)).submitTestResult(pass(maker.modelCode(), Tier.TIER_BASE_SAFETY)
                .setOutcome(Outcome.OUTCOME_PASS_WITH_CONDITIONS)
                .setConditions(conditions(2.0, 25, Environment.ENVIRONMENT_INDOOR_AND_OUTDOOR, true, "logistics", "retail"))
                .build());
        registry.as(body(body)).submitTestResult(pass(robot, Tier.TIER_MOBILITY).setOutcome(Outcome.OUTCOME_PASS_WITH_CONDITIONS)
                .setConditions(conditions(1.2, 40, Environment.ENVIRONMENT_INDOOR_ONLY, false, "retail", "security"))
                .build());
        registry.as(body(body)).submitTestResult(pass(robot, Tier.TIER_TASK_SPECIFIC).build());

        GetEffectiveCertificationsResponse r = effective(robot, null);
        assertThat(r.getRobotId()).isEqualTo(robot);
        assertThat(r.getModelCode()).isEqualTo(maker.modelCode());
        assertThat(r.getIntelligenceLevel()).isEqualTo(IntelligenceLevel.INTELLIGENCE_LEVEL_L1);
        assertThat(r.getTiersList()).extracting(EffectiveTier::getTier).containsExactly(Tier.TIER_BASE_SAFETY,
                Tier.TIER_MOBILITY, Tier.TIER_TASK_SPECIFIC);
        OperatingConditions c = r.getConditions();
        assertThat(c.getMaxSpeedMPerS()).isEqualTo(1.2);
        assertThat(c.getMaxPayloadKg()).isEqualTo(25);
        assertThat(c.getEnvironment()).isEqualTo(Environment.ENVIRONMENT_INDOOR_ONLY);
        assertThat(c.getPeopleNearbyAllowed()).isFalse();
        assertThat(c.getAllowedTaskCategoriesList()).containsExactly("retail");
        assertThat(r.getTiers(2).getConditions().hasMaxSpeedMPerS()).as("a PASS without conditions limits nothing").isFalse();
        assertThat(r.getMissingList()).extracting(MissingRequirement::getTier)
                .containsExactly(Tier.TIER_PUBLIC_SPACE, Tier.TIER_PHYSICAL_INTERACTION);
    }

    @Test
    void aCertificateExpiresAtExactlyItsValidUntil() {
        Filings.Maker maker = registry.maker(1);
        String robot = maker.robots().get(0);
        Instant tested = Instant.now().minus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        Instant until = tested.plus(7, ChronoUnit.DAYS).plusMillis(123);
        registry.as(body(body)).submitTestResult(pass(robot, Tier.TIER_BASE_SAFETY).setTestDate(ts(tested))
                .setValidity(Validity.newBuilder().setValidUntil(ts(until))).build());

        assertThat(effective(robot, until.minusNanos(1000)).getTiersCount()).isEqualTo(1);
        GetEffectiveCertificationsResponse atUntil = effective(robot, until);
        assertThat(atUntil.getTiersCount()).isZero();
        assertThat(atUntil.getExcludedList()).extracting(ExcludedCertificate::getReason)
                .containsExactly(ExclusionReason.EXCLUSION_REASON_EXPIRED);
        assertThat(atUntil.getExcluded(0).getCertificate().getExpired()).isTrue();
        assertThat(atUntil.getMissingList()).extracting(MissingRequirement::getTier).contains(Tier.TIER_BASE_SAFETY);
        assertThat(effective(robot, tested.minusNanos(1000)).getExcludedList()).extracting(ExcludedCertificate::getReason)
                .containsExactly(ExclusionReason.EXCLUSION_REASON_NOT_YET_VALID);
    }

    @Test
    void anExpiredResultIsRecordedButNeverEffective() {
        Filings.Maker maker = registry.maker(1);
        String robot = maker.robots().get(0);
        Instant tested = Instant.parse("2023-03-01T09:00:00Z");
        Certificate old = registry.as(body(body)).submitTestResult(pass(robot, Tier.TIER_BASE_SAFETY)
                .setTestDate(ts(tested)).setValidity(Validity.newBuilder().setValidUntil(ts(tested.plus(365, ChronoUnit.DAYS))))
                .build()).getCertificate();
        assertThat(old.getExpired()).isTrue();
        GetEffectiveCertificationsResponse now = effective(robot, null);
        assertThat(now.getTiersCount()).isZero();
        assertThat(now.getExcluded(0).getReason()).isEqualTo(ExclusionReason.EXCLUSION_REASON_EXPIRED);
        assertThat(effective(robot, tested.plus(10, ChronoUnit.DAYS)).getTiersCount()).isEqualTo(1);
    }

    @Test
    void dataSecurityIsRequiredForPublicSpaceFromLevelL3() {
        Filings.Maker l3 = registry.maker(1, CapabilityProfile.newBuilder().setAutonomousLocomotion(true)
                .setAutonomousTaskDecisions(true).setIntendedPhysicalContact(true).build());
        String robot = l3.robots().get(0);
        GetEffectiveCertificationsResponse r = effective(robot, null);
        assertThat(r.getIntelligenceLevel()).isEqualTo(IntelligenceLevel.INTELLIGENCE_LEVEL_L3);
        assertThat(r.getMissingList()).extracting(MissingRequirement::getRequirement, MissingRequirement::getTier)
                .contains(org.assertj.core.groups.Tuple.tuple(Requirement.REQUIREMENT_PUBLIC_SPACE, Tier.TIER_DATA_SECURITY));
        for (Tier tier : new Tier[] { Tier.TIER_BASE_SAFETY, Tier.TIER_MOBILITY, Tier.TIER_PUBLIC_SPACE,
                Tier.TIER_DATA_SECURITY, Tier.TIER_PHYSICAL_INTERACTION }) {
            registry.as(body(body)).submitTestResult(pass(l3.modelCode(), tier).build());
        }
        assertThat(effective(robot, null).getMissingList()).isEmpty();
    }

    @Test
    void theRobotMustBeAValidIssuedId() {
        invalid(() -> effective("CN-NOT-AN-ID", null), "robot_id");
        Filings.Maker maker = registry.maker(1);
        String robot = maker.robots().get(0);
        String neverIssued = io.robotid.kit.id.RobotId.compose(robot.substring(0, 2), maker.code(), maker.modelCode(), 26,
                maker.siteCode(), 4242).canonical();
        refused(() -> effective(neverIssued, null), Status.Code.NOT_FOUND);
        // lower case and separators are accepted
        assertThat(effective(robot.toLowerCase().substring(0, 12) + "-" + robot.toLowerCase().substring(12), null)
                .getRobotId()).isEqualTo(robot);
    }
}
