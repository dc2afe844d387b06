package io.robotid.certification.grpc;

import io.robotid.testkit.Filings;
import static io.robotid.certification.support.Lifecycle.*;
import static io.robotid.certification.support.Registry.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.robotid.certification.support.Registry;
import io.robotid.certification.support.RegistryProcesses;
import io.robotid.proto.certification.v1.*;
import io.robotid.proto.lifecycle.v1.ComponentCategory;
import io.robotid.testkit.Tokens;

/**
 * Re-validation driven by real lifecycle events: a real lifecycle-service process records
 * PRODUCED and then COMPONENT_REPLACED or SOFTWARE_UPDATED; this service follows its feed and marks
 * the unit's affected tiers, which a passing unit-level test dated at or after the change clears.
 */
@QuarkusTest
@QuarkusTestResource(RegistryProcesses.class)
class RevalidationIT {
    static Registry registry;
    static Filings.Maker maker;
    static String body;
    static final String SERVICE = Tokens.role("SERVICE_PROVIDER");

    @BeforeAll
    static void setUp() {
        registry = new Registry();
        maker = registry.maker(6);
        body = registry.accredit(Tier.TIER_BASE_SAFETY, Tier.TIER_MOBILITY,
                Tier.TIER_MANIPULATION, Tier.TIER_PHYSICAL_INTERACTION, Tier.TIER_DATA_SECURITY, Tier.TIER_TASK_SPECIFIC,
                Tier.TIER_PUBLIC_SPACE);
        for (Tier tier : List.of(Tier.TIER_BASE_SAFETY, Tier.TIER_MOBILITY, Tier.TIER_MANIPULATION)) {
            registry.as(body(body)).submitTestResult(pass(maker.modelCode(), tier).build());
        }
        for (String robot : maker.robots()) {
            registry.lifecycle(maker.token()).recordEvent(event(robot, produced()));
        }
    }

    @AfterAll
    static void tearDown() throws InterruptedException {
        registry.close();
    }

    static GetEffectiveCertificationsResponse effective(String robot) {
        return registry.as(Tokens.role("OPERATOR")).getEffectiveCertifications(GetEffectiveCertificationsRequest
                .newBuilder().setRobotId(robot).build());
    }

    static List<Tier> needs(String robot) {
        return effective(robot).getNeedsRevalidationList().stream().map(RevalidationNeed::getTier).toList();
    }

    static List<Tier> effectiveTiers(GetEffectiveCertificationsResponse answer) {
        return answer.getTiersList().stream().map(EffectiveTier::getTier).toList();
    }

    @Test
    void aSafetyRelevantActuatorReplacementReopensItsTiersUntilANewPassingUnitTest() {
        String robot = maker.robots().get(0);
        assertThat(effectiveTiers(effective(robot))).containsExactly(Tier.TIER_BASE_SAFETY, Tier.TIER_MOBILITY,
                Tier.TIER_MANIPULATION);

        registry.lifecycle(SERVICE).recordEvent(event(robot, replaced(
                part("MTR-100", ComponentCategory.COMPONENT_CATEGORY_ACTUATOR, true),
                part("MTR-200", ComponentCategory.COMPONENT_CATEGORY_ACTUATOR, true))));
        await("the actuator change reaches certification-service", () -> !needs(robot).isEmpty());

        GetEffectiveCertificationsResponse after = effective(robot);
        assertThat(after.getNeedsRevalidationList()).extracting(RevalidationNeed::getTier).containsExactly(
                Tier.TIER_BASE_SAFETY, Tier.TIER_MOBILITY, Tier.TIER_MANIPULATION, Tier.TIER_PHYSICAL_INTERACTION);
        RevalidationNeed need = after.getNeedsRevalidation(0);
        assertThat(need.getCause()).contains("COMPONENT_REPLACED").contains("ACTUATOR").contains("MTR-100 -> MTR-200");
        assertThat(need.getLifecycleEventSequence()).isEqualTo(2);
        assertThat(effectiveTiers(after)).isEmpty();
        assertThat(after.getExcludedList()).extracting(ExcludedCertificate::getReason)
                .containsOnly(ExclusionReason.EXCLUSION_REASON_NEEDS_REVALIDATION).hasSize(3);
        assertThat(after.getMissingList()).extracting(MissingRequirement::getTier).contains(Tier.TIER_BASE_SAFETY);
        // other units of the model keep the model-level certificates
        assertThat(effectiveTiers(effective(maker.robots().get(1)))).contains(Tier.TIER_BASE_SAFETY);

        Instant since = instant(need.getSince());
        // a test dated before the change does not clear it
        Certificate early = registry.as(body(body)).submitTestResult(pass(robot, Tier.TIER_BASE_SAFETY)
                .setTestDate(ts(since.minusMillis(1))).build()).getCertificate();
        assertThat(needs(robot)).contains(Tier.TIER_BASE_SAFETY);
        assertThat(effective(robot).getExcludedList()).anyMatch(e -> e.getCertificate().equals(early));

        // a test dated exactly at the change clears BASE_SAFETY (and only it)
        registry.as(body(body)).submitTestResult(pass(robot, Tier.TIER_BASE_SAFETY).setTestDate(ts(since))
                .setValidity(Validity.newBuilder().setValidUntil(ts(since.plusSeconds(86_400 * 30)))).build());
        GetEffectiveCertificationsResponse revalidated = effective(robot);
        assertThat(revalidated.getNeedsRevalidationList()).extracting(RevalidationNeed::getTier)
                .containsExactly(Tier.TIER_MOBILITY, Tier.TIER_MANIPULATION, Tier.TIER_PHYSICAL_INTERACTION);
        assertThat(effectiveTiers(revalidated)).containsExactly(Tier.TIER_BASE_SAFETY);
        // model-level and both unit-level BASE_SAFETY certificates count again
        assertThat(revalidated.getTiers(0).getCertificatesCount()).isEqualTo(3);
        // a model-level pass does not re-validate a unit
        registry.as(body(body)).submitTestResult(pass(maker.modelCode(), Tier.TIER_MOBILITY).build());
        assertThat(needs(robot)).contains(Tier.TIER_MOBILITY);
    }

    @Test
    void partsThatAreNotSafetyRelevantReopenNothing() {
        String quiet = maker.robots().get(2);
        String marker = maker.robots().get(3);
        registry.lifecycle(SERVICE).recordEvent(event(quiet, replaced(
                part("CVR-1", ComponentCategory.COMPONENT_CATEGORY_STRUCTURE, false),
                part("CVR-2", ComponentCategory.COMPONENT_CATEGORY_STRUCTURE, false))));
        // the feed is applied in order: once a later change shows, the earlier one was handled
        registry.lifecycle(SERVICE).recordEvent(event(marker, replaced(
                part("BAT-9", ComponentCategory.COMPONENT_CATEGORY_BATTERY, true),
                part("BAT-10", ComponentCategory.COMPONENT_CATEGORY_BATTERY, true))));
        await("the battery change reaches certification-service", () -> !needs(marker).isEmpty());
        assertThat(needs(marker)).containsExactly(Tier.TIER_BASE_SAFETY);
        assertThat(needs(quiet)).isEmpty();
    }

    @Test
    void firmwareAndAiModelUpdatesReopenTheirTiers() {
        String firmware = maker.robots().get(4);
        String aiModel = maker.robots().get(5);
        registry.lifecycle(maker.token()).recordEvent(event(firmware, softwareUpdated("3.2.0", "")));
        registry.lifecycle(maker.token()).recordEvent(event(aiModel, softwareUpdated("", "vla-2")));
        await("both software updates reach certification-service",
                () -> !needs(firmware).isEmpty() && !needs(aiModel).isEmpty());
        assertThat(needs(firmware)).containsExactly(Tier.TIER_BASE_SAFETY, Tier.TIER_MOBILITY, Tier.TIER_MANIPULATION,
                Tier.TIER_DATA_SECURITY);
        assertThat(effective(firmware).getNeedsRevalidation(0).getCause()).contains("firmware 3.1.0 -> 3.2.0");
        assertThat(needs(aiModel)).containsExactly(Tier.TIER_PHYSICAL_INTERACTION, Tier.TIER_TASK_SPECIFIC,
                Tier.TIER_PUBLIC_SPACE);
        assertThat(effectiveTiers(effective(aiModel))).containsExactly(Tier.TIER_BASE_SAFETY, Tier.TIER_MOBILITY,
                Tier.TIER_MANIPULATION);
    }
}
