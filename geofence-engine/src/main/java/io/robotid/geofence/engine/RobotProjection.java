package io.robotid.geofence.engine;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * What the engine knows of a robot: its lifecycle projection (status, suspension, open stop-use
 * recalls, operator) and its certification projection (effective tiers with their conditions and the
 * model's intelligence level). {@code known == false} means no registry record: every check is denied
 * with {@link Reason#ROBOT_UNKNOWN}.
 *
 * @param intelligenceLevel {@code null} when the model's level is unknown
 * @param operatorOrg the organisation that runs the robot (grants to an operator match on it), or {@code null}
 */
public record RobotProjection(String robotId, boolean known, RobotStatus status, boolean suspended,
        int openStopUseRecalls, Map<Tier, CertifiedTier> certifications, IntelligenceLevel intelligenceLevel,
        String operatorOrg) {

    public RobotProjection {
        Objects.requireNonNull(robotId, "robotId");
        if (certifications == null || certifications.isEmpty()) {
            certifications = Collections.unmodifiableMap(new EnumMap<>(Tier.class));
        } else {
            EnumMap<Tier, CertifiedTier> copy = new EnumMap<>(Tier.class);
            certifications.forEach((tier, certified) -> {
                Objects.requireNonNull(certified, "certification of " + tier);
                if (certified.tier() != tier) {
                    throw new IllegalArgumentException("certifications: key " + tier + " holds a " + certified.tier() + " tier");
                }
                copy.put(tier, certified);
            });
            certifications = Collections.unmodifiableMap(copy);
        }
    }

    /** A robot the registry does not know. */
    public static RobotProjection unknown(String robotId) {
        return new RobotProjection(robotId, false, null, false, 0, Map.of(), null, null);
    }

    /** Whether the tier is certified and valid at the instant. */
    public boolean certified(Tier tier, java.time.Instant at) {
        CertifiedTier certified = certifications.get(tier);
        return certified != null && certified.validAt(at);
    }
}
