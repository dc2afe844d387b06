package io.robotid.geofence.engine;

import java.util.List;

/** Malformed input, with every field violation found (the service answers INVALID_ARGUMENT with them). */
public class ValidationException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final transient List<FieldViolation> violations;

    public ValidationException(List<FieldViolation> violations) {
        super(message(violations));
        this.violations = List.copyOf(violations);
    }

    public List<FieldViolation> violations() {
        return violations;
    }

    private static String message(List<FieldViolation> violations) {
        StringBuilder s = new StringBuilder("invalid input: ");
        for (int i = 0; i < violations.size(); i++) {
            s.append(i == 0 ? "" : "; ").append(violations.get(i));
        }
        return s.toString();
    }
}
