package io.robotid.certification.domain;

import io.robotid.kit.id.RegistryCodes;
import io.robotid.kit.id.RobotId;
import io.robotid.kit.validation.Violations;

/**
 * What a test is about: a product model (its 6-character code) or one unit (its 29-character robot ID).
 *
 * @param canonical the model code, or the canonical robot ID
 * @param robotId   the unit, or null for a model
 */
public record Subject(String canonical, SubjectKind kind, String modelCode, RobotId robotId) {

    /** A model code or a robot ID in any accepted form; the broken rule is added to {@code v} (then null). */
    public static Subject parse(String field, String value, Violations v) {
        String normalized = value == null ? "" : RobotId.normalize(value.trim());
        if (normalized.isEmpty()) {
            v.add(field, "is required: a 6-character model code or a 29-character robot ID");
            return null;
        }
        if (normalized.length() == RegistryCodes.MODEL_LENGTH) {
            if (!RegistryCodes.isWellFormed(normalized, RegistryCodes.MODEL_LENGTH)) {
                v.add(field, "is not a model code: 6 characters from 0-9 and A-Z without I and O");
                return null;
            }
            return new Subject(normalized, SubjectKind.MODEL, normalized, null);
        }
        RobotId id = v.robotId(field, value);
        return id == null ? null : unit(id);
    }

    public static Subject unit(RobotId id) {
        return new Subject(id.canonical(), SubjectKind.UNIT, id.modelCode(), id);
    }
}
