package io.robotid.kit.validation;

import java.util.ArrayList;
import java.util.List;

import io.robotid.kit.error.DomainException;
import io.robotid.kit.error.FieldViolation;
import io.robotid.kit.id.Countries;
import io.robotid.kit.id.RegistryCodes;
import io.robotid.kit.id.RobotId;

/**
 * Collects every broken rule of a request before refusing it, so a client learns all its mistakes
 * at once. Field names are proto field paths ({@code specification.hardware.mass_kg}).
 */
public final class Violations {
    private final List<FieldViolation> violations = new ArrayList<>();

    public Violations add(String field, String description) {
        violations.add(new FieldViolation(field, description));
        return this;
    }

    /** Required text of at most {@code maxLength} characters (after trimming); returns it trimmed. */
    public String requiredText(String field, String value, int maxLength) {
        String trimmed = value == null ? "" : value.trim();
        if (trimmed.isEmpty()) {
            add(field, "is required");
        } else {
            checkLength(field, trimmed, maxLength);
        }
        return trimmed;
    }

    /** Optional text of at most {@code maxLength} characters; returns it trimmed (empty if absent). */
    public String optionalText(String field, String value, int maxLength) {
        String trimmed = value == null ? "" : value.trim();
        checkLength(field, trimmed, maxLength);
        return trimmed;
    }

    private void checkLength(String field, String value, int maxLength) {
        if (value.codePointCount(0, value.length()) > maxLength) {
            add(field, "must be at most " + maxLength + " characters");
        }
        if (value.chars().anyMatch(c -> Character.isISOControl(c) && c != '\n' && c != '\t')) {
            add(field, "must not contain control characters");
        }
    }

    /** A required ISO 3166-1 alpha-2 code, any case; returns it upper-cased. */
    public String country(String field, String value) {
        String code = RegistryCodes.normalize(value);
        if (code.isEmpty()) {
            add(field, "is required");
        } else if (!Countries.isAlpha2(code)) {
            add(field, "must be an ISO 3166-1 alpha-2 country code (e.g. CN, DE, US), got '" + value.trim() + "'");
        }
        return code;
    }

    /** A required registry code of that length; returns it normalized. */
    public String registryCode(String field, String value, int length) {
        String code = RegistryCodes.normalize(value);
        if (code.isEmpty()) {
            add(field, "is required");
        } else if (!RegistryCodes.isWellFormed(code, length)) {
            add(field, "must be " + length + " characters from 0-9 and A-Z without I and O");
        }
        return code;
    }

    /**
     * A required robot ID in any accepted form (case, spaces, hyphens); returns it parsed, or null
     * after naming the broken rule (malformed, or which check character the ID calls for).
     */
    public RobotId robotId(String field, String value) {
        RobotId.Parsed parsed = RobotId.parse(value == null ? "" : value);
        if (parsed instanceof RobotId.Valid valid) {
            return valid.id();
        }
        add(field, parsed instanceof RobotId.Malformed malformed ? "is not a robot ID: " + malformed.reason()
                : "is not a robot ID: the check character should be "
                        + ((RobotId.BadCheckCharacter) parsed).expected());
        return null;
    }

    /** A required UUID; returns it, or null after naming the rule. */
    public java.util.UUID uuid(String field, String value) {
        String text = value == null ? "" : value;
        if (text.isEmpty()) {
            add(field, "is required (a UUID)");
            return null;
        }
        try {
            return java.util.UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            add(field, "is not a UUID: '" + text + "'");
            return null;
        }
    }

    /** A required robot ID, canonical, or INVALID_ARGUMENT naming the field and the broken rule at once. */
    public static String requireRobotId(String field, String value) {
        Violations v = new Violations();
        RobotId id = v.robotId(field, value);
        v.throwIfAny();
        return id.canonical();
    }

    /** A required UUID, or INVALID_ARGUMENT naming the field at once. */
    public static java.util.UUID requireUuid(String field, String value) {
        Violations v = new Violations();
        java.util.UUID id = v.uuid(field, value);
        v.throwIfAny();
        return id;
    }

    /** {@code min < value <= max}, and a finite number. */
    public void positiveAtMost(String field, double value, double max, String unit) {
        if (!Double.isFinite(value)) {
            add(field, "must be a finite number");
        } else if (value <= 0) {
            add(field, "must be greater than 0 " + unit);
        } else if (value > max) {
            add(field, "must be at most " + format(max) + " " + unit);
        }
    }

    /** {@code min <= value <= max}, and a finite number. */
    public void between(String field, double value, double min, double max, String unit) {
        if (!Double.isFinite(value)) {
            add(field, "must be a finite number");
        } else if (value < min || value > max) {
            add(field, "must be between " + format(min) + " and " + format(max) + " " + unit);
        }
    }

    /** {@code min <= value <= max} for integers. */
    public void between(String field, long value, long min, long max) {
        if (value < min || value > max) {
            add(field, "must be between " + min + " and " + max);
        }
    }

    /** At least {@code min} and at most {@code max} items. */
    public void count(String field, int size, int min, int max) {
        if (size < min) {
            add(field, min == 1 ? "needs at least one entry" : "needs at least " + min + " entries");
        } else if (size > max) {
            add(field, "must have at most " + max + " entries");
        }
    }

    private static String format(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }

    public boolean isEmpty() {
        return violations.isEmpty();
    }

    public List<FieldViolation> list() {
        return List.copyOf(violations);
    }

    /**
     * Runs a check that throws INVALID_ARGUMENT on its own (a parser, {@code PageRequest.of}) and
     * keeps its violations with these, so that one answer names every bad field; null when it threw.
     */
    public <T> T gather(java.util.function.Supplier<T> check) {
        try {
            return check.get();
        } catch (DomainException e) {
            if (e.kind() != io.robotid.kit.error.ErrorKind.INVALID_ARGUMENT || e.violations().isEmpty()) {
                throw e;
            }
            violations.addAll(e.violations());
            return null;
        }
    }

    /** Throws INVALID_ARGUMENT with every violation collected, if any. */
    public void throwIfAny() {
        if (!violations.isEmpty()) {
            throw DomainException.invalidArgument(violations);
        }
    }
}
