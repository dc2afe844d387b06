package io.robotid.filing.service;

import java.util.List;

import io.robotid.kit.validation.Violations;
import io.robotid.proto.filing.v1.BatteryChemistry;
import io.robotid.proto.filing.v1.DataCategory;
import io.robotid.proto.filing.v1.DataCollectionDeclaration;
import io.robotid.proto.filing.v1.DataDestination;
import io.robotid.proto.filing.v1.HardwareParameters;
import io.robotid.proto.filing.v1.ModelSpecification;
import io.robotid.proto.filing.v1.SoftwareBaseline;

/**
 * Every rule a model specification must meet, with the field path of each broken one
 * ({@code specification.hardware.mass_kg}). The limits are stated in docs/filing.md, "Limits".
 */
public final class SpecificationValidator {
    public static final int MAX_NAME = 200;
    public static final int MAX_FAMILY = 100;
    public static final int MAX_SHORT_TEXT = 200;
    public static final int MAX_NOTICE = 2000;
    public static final int MAX_LIST = 50;
    public static final int MAX_VERSION = 64;

    private SpecificationValidator() {
    }

    /** Adds a violation for every rule {@code spec} breaks, under {@code prefix}. */
    public static void validate(ModelSpecification spec, String prefix, Violations v) {
        v.requiredText(prefix + ".name", spec.getName(), MAX_NAME);
        v.requiredText(prefix + ".family", spec.getFamily(), MAX_FAMILY);

        String hw = prefix + ".hardware";
        if (!spec.hasHardware()) {
            v.add(hw, "is required");
        } else {
            HardwareParameters h = spec.getHardware();
            v.positiveAtMost(hw + ".height_m", h.getHeightM(), 4, "m");
            v.positiveAtMost(hw + ".mass_kg", h.getMassKg(), 1000, "kg");
            v.between(hw + ".degrees_of_freedom", h.getDegreesOfFreedom(), 1, 500);
            v.between(hw + ".payload_kg", h.getPayloadKg(), 0, 1000, "kg");
            v.positiveAtMost(hw + ".top_speed_m_per_s", h.getTopSpeedMPerS(), 20, "m/s");
            v.positiveAtMost(hw + ".battery_capacity_wh", h.getBatteryCapacityWh(), 100_000, "Wh");
            if (h.getBatteryChemistry() == BatteryChemistry.BATTERY_CHEMISTRY_UNSPECIFIED
                    || h.getBatteryChemistry() == BatteryChemistry.UNRECOGNIZED) {
                v.add(hw + ".battery_chemistry", "is required (one of the BatteryChemistry values)");
            }
            v.count(hw + ".sensors", h.getSensorsCount(), 1, MAX_LIST);
            texts(hw + ".sensors", h.getSensorsList(), v);
            v.requiredText(hw + ".compute", h.getCompute(), MAX_SHORT_TEXT);
            v.count(hw + ".connectivity", h.getConnectivityCount(), 0, MAX_LIST);
            texts(hw + ".connectivity", h.getConnectivityList(), v);
        }

        if (!spec.hasCapabilities()) {
            v.add(prefix + ".capabilities", "is required (the intelligence level is derived from it)");
        }

        String sw = prefix + ".software_baseline";
        if (!spec.hasSoftwareBaseline()) {
            v.add(sw, "is required");
        } else {
            SoftwareBaseline s = spec.getSoftwareBaseline();
            v.requiredText(sw + ".firmware_version", s.getFirmwareVersion(), MAX_VERSION);
            v.optionalText(sw + ".ai_model_version", s.getAiModelVersion(), MAX_VERSION);
        }

        String dc = prefix + ".data_collection";
        if (!spec.hasDataCollection()) {
            v.add(dc, "is required (say what is recorded, even if nothing)");
        } else {
            DataCollectionDeclaration d = spec.getDataCollection();
            for (int i = 0; i < d.getCategoriesCount(); i++) {
                DataCategory category = d.getCategories(i);
                if (category == DataCategory.DATA_CATEGORY_UNSPECIFIED || category == DataCategory.UNRECOGNIZED) {
                    v.add(dc + ".categories[" + i + "]", "must be one of the DataCategory values");
                }
            }
            v.between(dc + ".retention_days", d.getRetentionDays(), 0, 36_500);
            v.count(dc + ".destinations", d.getDestinationsCount(), 0, MAX_LIST);
            for (int i = 0; i < d.getDestinationsCount(); i++) {
                DataDestination destination = d.getDestinations(i);
                v.requiredText(dc + ".destinations[" + i + "].recipient", destination.getRecipient(), MAX_SHORT_TEXT);
                v.country(dc + ".destinations[" + i + "].country", destination.getCountry());
            }
            if (d.getCategoriesCount() > 0 && d.getDestinationsCount() == 0) {
                v.add(dc + ".destinations", "needs at least one entry when data is recorded");
            }
            v.requiredText(dc + ".notice", d.getNotice(), MAX_NOTICE);
        }

        v.count(prefix + ".intended_scenarios", spec.getIntendedScenariosCount(), 1, MAX_LIST);
        texts(prefix + ".intended_scenarios", spec.getIntendedScenariosList(), v);
    }

    private static void texts(String field, List<String> values, Violations v) {
        for (int i = 0; i < values.size(); i++) {
            v.requiredText(field + "[" + i + "]", values.get(i), MAX_SHORT_TEXT);
        }
    }
}
