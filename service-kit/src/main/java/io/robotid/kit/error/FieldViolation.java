package io.robotid.kit.error;

import java.util.Objects;

/**
 * One broken rule on one request field.
 *
 * @param field       path of the field in the request, proto names, e.g. {@code specification.hardware.mass_kg}
 * @param description the rule, in words a client developer understands, e.g. "must be greater than 0"
 */
public record FieldViolation(String field, String description) {
    public FieldViolation {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(description, "description");
    }

    @Override
    public String toString() {
        return field + ": " + description;
    }
}
