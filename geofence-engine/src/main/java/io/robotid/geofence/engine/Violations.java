package io.robotid.geofence.engine;

import java.util.ArrayList;
import java.util.List;

/** Collects field violations; {@link #throwIfAny()} turns them into a {@link ValidationException}. */
public final class Violations {

    private final List<FieldViolation> list = new ArrayList<>();

    public Violations add(String field, String description) {
        list.add(new FieldViolation(field, description));
        return this;
    }

    public boolean isEmpty() {
        return list.isEmpty();
    }

    public int size() {
        return list.size();
    }

    public List<FieldViolation> list() {
        return List.copyOf(list);
    }

    public void throwIfAny() {
        if (!list.isEmpty()) {
            throw new ValidationException(list);
        }
    }
}
