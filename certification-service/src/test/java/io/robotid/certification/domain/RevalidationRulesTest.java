package io.robotid.certification.domain;

import static io.robotid.certification.domain.Tier.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.robotid.proto.lifecycle.v1.Component;
import io.robotid.proto.lifecycle.v1.ComponentCategory;
import io.robotid.proto.lifecycle.v1.ConfigurationChange;
import io.robotid.proto.lifecycle.v1.EventType;
import io.robotid.proto.lifecycle.v1.WatchStatusChangesResponse;

/** The part-category and software mapping of docs/certification.md, entry by entry. */
class RevalidationRulesTest {

    static WatchStatusChangesResponse replaced(ComponentCategory old, boolean oldSafety, ComponentCategory replacement,
            boolean newSafety) {
        return WatchStatusChangesResponse.newBuilder().setCause(EventType.EVENT_TYPE_COMPONENT_REPLACED)
                .setConfigurationChange(ConfigurationChange.newBuilder()
                        .setOldPart(Component.newBuilder().setPartNumber("A").setCategory(old).setSafetyRelevant(oldSafety))
                        .setNewPart(Component.newBuilder().setPartNumber("B").setCategory(replacement)
                                .setSafetyRelevant(newSafety)))
                .build();
    }

    static Set<Tier> reopened(WatchStatusChangesResponse entry) {
        Set<Tier> tiers = EnumSet.noneOf(Tier.class);
        tiers.addAll(RevalidationRules.reopened(entry).keySet());
        return tiers;
    }

    @Test
    void everyCategoryHasItsTiers() {
        assertThat(RevalidationRules.tiersOf(ComponentCategory.COMPONENT_CATEGORY_ACTUATOR))
                .containsExactlyInAnyOrder(BASE_SAFETY, MOBILITY, MANIPULATION, PHYSICAL_INTERACTION);
        assertThat(RevalidationRules.tiersOf(ComponentCategory.COMPONENT_CATEGORY_BATTERY)).containsExactly(BASE_SAFETY);
        assertThat(RevalidationRules.tiersOf(ComponentCategory.COMPONENT_CATEGORY_SAFETY_CONTROLLER))
                .containsExactlyInAnyOrder(BASE_SAFETY, PHYSICAL_INTERACTION, PUBLIC_SPACE);
        assertThat(RevalidationRules.tiersOf(ComponentCategory.COMPONENT_CATEGORY_SENSOR))
                .containsExactlyInAnyOrder(MOBILITY, PHYSICAL_INTERACTION, PUBLIC_SPACE);
        assertThat(RevalidationRules.tiersOf(ComponentCategory.COMPONENT_CATEGORY_END_EFFECTOR))
                .containsExactlyInAnyOrder(MANIPULATION, PHYSICAL_INTERACTION);
        assertThat(RevalidationRules.tiersOf(ComponentCategory.COMPONENT_CATEGORY_COMPUTE)).containsExactly(DATA_SECURITY);
        assertThat(RevalidationRules.tiersOf(ComponentCategory.COMPONENT_CATEGORY_COMMUNICATION))
                .containsExactly(DATA_SECURITY);
        for (ComponentCategory other : new ComponentCategory[] { ComponentCategory.COMPONENT_CATEGORY_STRUCTURE,
                ComponentCategory.COMPONENT_CATEGORY_OTHER, ComponentCategory.COMPONENT_CATEGORY_UNSPECIFIED }) {
            assertThat(RevalidationRules.tiersOf(other)).as(other.name()).containsExactly(BASE_SAFETY);
        }
    }

    @Test
    void aSafetyRelevantReplacementReopensTheTiersOfBothParts() {
        assertThat(reopened(replaced(ComponentCategory.COMPONENT_CATEGORY_SENSOR, true,
                ComponentCategory.COMPONENT_CATEGORY_END_EFFECTOR, false)))
                .containsExactlyInAnyOrder(MOBILITY, PHYSICAL_INTERACTION, PUBLIC_SPACE, MANIPULATION);
    }

    @Test
    void aReplacementOfPartsThatAreNotSafetyRelevantReopensNothing() {
        assertThat(reopened(replaced(ComponentCategory.COMPONENT_CATEGORY_ACTUATOR, false,
                ComponentCategory.COMPONENT_CATEGORY_ACTUATOR, false))).isEmpty();
    }

    @Test
    void firmwareAndAiModelChangesReopenTheirTiers() {
        WatchStatusChangesResponse.Builder update = WatchStatusChangesResponse.newBuilder()
                .setCause(EventType.EVENT_TYPE_SOFTWARE_UPDATED);
        assertThat(reopened(update.setConfigurationChange(ConfigurationChange.newBuilder()
                .setPreviousFirmwareVersion("1").setFirmwareVersion("2").setPreviousAiModelVersion("a")
                .setAiModelVersion("a")).build())).containsExactlyInAnyOrder(BASE_SAFETY, MOBILITY, MANIPULATION,
                        DATA_SECURITY);
        assertThat(reopened(update.setConfigurationChange(ConfigurationChange.newBuilder()
                .setPreviousFirmwareVersion("1").setFirmwareVersion("1").setPreviousAiModelVersion("a")
                .setAiModelVersion("b")).build())).containsExactlyInAnyOrder(TASK_SPECIFIC, PHYSICAL_INTERACTION,
                        PUBLIC_SPACE);
        assertThat(reopened(update.setConfigurationChange(ConfigurationChange.newBuilder()
                .setPreviousFirmwareVersion("1").setFirmwareVersion("2").setPreviousAiModelVersion("a")
                .setAiModelVersion("b")).build())).hasSize(7);
        assertThat(reopened(update.setConfigurationChange(ConfigurationChange.newBuilder()
                .setPreviousFirmwareVersion("1").setFirmwareVersion("1")).build())).isEmpty();
    }

    @Test
    void otherEntriesReopenNothing() {
        assertThat(reopened(WatchStatusChangesResponse.newBuilder().setCause(EventType.EVENT_TYPE_SUSPENDED).build()))
                .isEmpty();
        assertThat(reopened(WatchStatusChangesResponse.newBuilder().setCause(EventType.EVENT_TYPE_COMPONENT_REPLACED)
                .build())).as("no configuration change").isEmpty();
    }
}
