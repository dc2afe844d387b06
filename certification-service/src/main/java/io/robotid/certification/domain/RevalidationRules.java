package io.robotid.certification.domain;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import io.robotid.proto.lifecycle.v1.Component;
import io.robotid.proto.lifecycle.v1.ComponentCategory;
import io.robotid.proto.lifecycle.v1.ConfigurationChange;
import io.robotid.proto.lifecycle.v1.EventType;
import io.robotid.proto.lifecycle.v1.WatchStatusChangesResponse;

/**
 * Which tiers of a unit a configuration change re-opens (docs/certification.md, "Re-validation after part and software changes"):
 * <ul>
 * <li>COMPONENT_REPLACED where the old or the new part is safety-relevant: the tiers of the
 * category of each part (the old and the new one, united);</li>
 * <li>SOFTWARE_UPDATED: a firmware change re-opens BASE_SAFETY, MOBILITY, MANIPULATION,
 * DATA_SECURITY; an AI model change TASK_SPECIFIC, PHYSICAL_INTERACTION, PUBLIC_SPACE (software
 * always counts as safety-relevant).</li>
 * </ul>
 * A replacement of parts that are not safety-relevant, and anything else, re-opens nothing.
 */
public final class RevalidationRules {
    private RevalidationRules() {
    }

    public static final Set<Tier> FIRMWARE = EnumSet.of(Tier.BASE_SAFETY, Tier.MOBILITY, Tier.MANIPULATION,
            Tier.DATA_SECURITY);
    public static final Set<Tier> AI_MODEL = EnumSet.of(Tier.TASK_SPECIFIC, Tier.PHYSICAL_INTERACTION, Tier.PUBLIC_SPACE);

    /** The tiers a change of a part of this category re-opens. */
    public static Set<Tier> tiersOf(ComponentCategory category) {
        return switch (category) {
            case COMPONENT_CATEGORY_ACTUATOR -> EnumSet.of(Tier.BASE_SAFETY, Tier.MOBILITY, Tier.MANIPULATION,
                    Tier.PHYSICAL_INTERACTION);
            case COMPONENT_CATEGORY_BATTERY -> EnumSet.of(Tier.BASE_SAFETY);
            case COMPONENT_CATEGORY_SAFETY_CONTROLLER -> EnumSet.of(Tier.BASE_SAFETY, Tier.PHYSICAL_INTERACTION,
                    Tier.PUBLIC_SPACE);
            case COMPONENT_CATEGORY_SENSOR -> EnumSet.of(Tier.MOBILITY, Tier.PHYSICAL_INTERACTION, Tier.PUBLIC_SPACE);
            case COMPONENT_CATEGORY_END_EFFECTOR -> EnumSet.of(Tier.MANIPULATION, Tier.PHYSICAL_INTERACTION);
            case COMPONENT_CATEGORY_COMPUTE, COMPONENT_CATEGORY_COMMUNICATION -> EnumSet.of(Tier.DATA_SECURITY);
            case COMPONENT_CATEGORY_STRUCTURE, COMPONENT_CATEGORY_OTHER, COMPONENT_CATEGORY_UNSPECIFIED, UNRECOGNIZED ->
                EnumSet.of(Tier.BASE_SAFETY);
        };
    }

    /** Each re-opened tier with the cause in words, in tier order; empty when the entry re-opens nothing. */
    public static Map<Tier, String> reopened(WatchStatusChangesResponse entry) {
        Map<Tier, String> out = new LinkedHashMap<>();
        if (!entry.hasConfigurationChange()) {
            return out;
        }
        ConfigurationChange change = entry.getConfigurationChange();
        EnumSet<Tier> tiers = EnumSet.noneOf(Tier.class);
        String cause;
        if (entry.getCause() == EventType.EVENT_TYPE_COMPONENT_REPLACED) {
            Component old = change.getOldPart();
            Component replacement = change.getNewPart();
            if (!old.getSafetyRelevant() && !replacement.getSafetyRelevant()) {
                return out;
            }
            if (present(old)) {
                tiers.addAll(tiersOf(old.getCategory()));
            }
            if (present(replacement)) {
                tiers.addAll(tiersOf(replacement.getCategory()));
            }
            if (tiers.isEmpty()) {
                tiers.add(Tier.BASE_SAFETY);
            }
            cause = "COMPONENT_REPLACED " + category(present(replacement) ? replacement : old) + " "
                    + (old.getPartNumber().isEmpty() ? "?" : old.getPartNumber()) + " -> "
                    + (replacement.getPartNumber().isEmpty() ? "?" : replacement.getPartNumber());
        } else if (entry.getCause() == EventType.EVENT_TYPE_SOFTWARE_UPDATED) {
            StringBuilder words = new StringBuilder("SOFTWARE_UPDATED");
            if (!change.getFirmwareVersion().equals(change.getPreviousFirmwareVersion())) {
                tiers.addAll(FIRMWARE);
                words.append(" firmware ").append(orDash(change.getPreviousFirmwareVersion())).append(" -> ")
                        .append(orDash(change.getFirmwareVersion()));
            }
            if (!change.getAiModelVersion().equals(change.getPreviousAiModelVersion())) {
                tiers.addAll(AI_MODEL);
                words.append(" AI model ").append(orDash(change.getPreviousAiModelVersion())).append(" -> ")
                        .append(orDash(change.getAiModelVersion()));
            }
            cause = words.toString();
        } else {
            return out;
        }
        for (Tier tier : tiers) {
            out.put(tier, cause);
        }
        return out;
    }

    private static boolean present(Component part) {
        return !part.getPartNumber().isEmpty() || part.getCategory() != ComponentCategory.COMPONENT_CATEGORY_UNSPECIFIED;
    }

    private static String category(Component part) {
        return part.getCategory().name().replace("COMPONENT_CATEGORY_", "");
    }

    private static String orDash(String version) {
        return version.isEmpty() ? "-" : version;
    }
}
