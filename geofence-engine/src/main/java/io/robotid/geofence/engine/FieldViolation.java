package io.robotid.geofence.engine;

/** One problem of an input: the field path (e.g. {@code geometry.coordinates[0][3]}) and the rule it breaks. */
public record FieldViolation(String field, String description) {
    @Override
    public String toString() {
        return field + ": " + description;
    }
}
