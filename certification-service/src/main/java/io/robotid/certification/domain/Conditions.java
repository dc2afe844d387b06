package io.robotid.certification.domain;

import java.util.Collection;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/**
 * The operating envelope of a certificate, or the combination of several.
 *
 * @param maxSpeedMPerS        null: no speed limit
 * @param maxPayloadKg         null: no payload limit
 * @param environment          INDOOR_ONLY is tighter than INDOOR_AND_OUTDOOR
 * @param peopleNearbyAllowed  false is tighter than true
 * @param taskCategories       null: any task category; an empty set: none (certificates whose
 *                             categories have nothing in common)
 */
public record Conditions(Double maxSpeedMPerS, Double maxPayloadKg, Environment environment,
        boolean peopleNearbyAllowed, Set<String> taskCategories) {

    /** A pass posted without conditions: nothing limited. */
    public static final Conditions UNRESTRICTED = new Conditions(null, null, Environment.INDOOR_AND_OUTDOOR, true, null);

    public Conditions {
        if (environment == null) {
            throw new IllegalArgumentException("environment is required");
        }
        taskCategories = taskCategories == null ? null : Collections.unmodifiableSet(new TreeSet<>(taskCategories));
    }

    /** True when certificates were combined whose task categories have nothing in common. */
    public boolean noTaskCategoryAllowed() {
        return taskCategories != null && taskCategories.isEmpty();
    }

    /**
     * The tightest of all: the lowest speed and payload limits, indoor-only over outdoor, people
     * nearby not allowed over allowed, the intersection of the task categories (a certificate
     * without categories allows any, so it does not narrow the set). Null for no certificates.
     */
    public static Conditions tightest(Collection<Conditions> all) {
        if (all.isEmpty()) {
            return null;
        }
        Double speed = null;
        Double payload = null;
        Environment environment = Environment.INDOOR_AND_OUTDOOR;
        boolean people = true;
        Set<String> tasks = null;
        for (Conditions c : all) {
            speed = min(speed, c.maxSpeedMPerS());
            payload = min(payload, c.maxPayloadKg());
            if (c.environment() == Environment.INDOOR_ONLY) {
                environment = Environment.INDOOR_ONLY;
            }
            people = people && c.peopleNearbyAllowed();
            if (c.taskCategories() != null) {
                if (tasks == null) {
                    tasks = new TreeSet<>(c.taskCategories());
                } else {
                    tasks.retainAll(c.taskCategories());
                }
            }
        }
        return new Conditions(speed, payload, environment, people, tasks);
    }

    private static Double min(Double a, Double b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return Math.min(a, b);
    }
}
