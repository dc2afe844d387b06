package io.robotid.certification.domain;

import java.util.Set;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;

/** Operating conditions as columns; {@code hasConditions} false: none were given (no limits). */
@Embeddable
public class StoredConditions {
    @Column(name = "has_conditions")
    public boolean hasConditions;
    @Column(name = "max_speed_m_per_s")
    public Double maxSpeedMPerS;
    @Column(name = "max_payload_kg")
    public Double maxPayloadKg;
    @Enumerated(EnumType.STRING)
    public Environment environment;
    @Column(name = "people_nearby_allowed")
    public Boolean peopleNearbyAllowed;
    /** Null: any task category. */
    @Column(name = "task_categories")
    public String[] taskCategories;

    public static StoredConditions of(Conditions conditions) {
        StoredConditions s = new StoredConditions();
        if (conditions != null) {
            s.hasConditions = true;
            s.maxSpeedMPerS = conditions.maxSpeedMPerS();
            s.maxPayloadKg = conditions.maxPayloadKg();
            s.environment = conditions.environment();
            s.peopleNearbyAllowed = conditions.peopleNearbyAllowed();
            s.taskCategories = conditions.taskCategories() == null ? null
                    : conditions.taskCategories().toArray(new String[0]);
        }
        return s;
    }

    /** The conditions as posted, or null when none were. */
    public Conditions posted() {
        if (!hasConditions) {
            return null;
        }
        return new Conditions(maxSpeedMPerS, maxPayloadKg, environment, Boolean.TRUE.equals(peopleNearbyAllowed),
                taskCategories == null ? null : Set.of(taskCategories));
    }

    /** What the certificate allows: the posted conditions, or no limits. */
    public Conditions effective() {
        Conditions posted = posted();
        return posted == null ? Conditions.UNRESTRICTED : posted;
    }
}
