package io.robotid.geofence.engine;

import java.time.Instant;
import java.util.Objects;

/**
 * One tier a robot is certified for (robotid.certification.v1.EffectiveTier): the tightest conditions
 * of the certificates that make it effective, and the instants between which it counts
 * ({@code validFrom} inclusive, {@code validUntil} exclusive; {@code null} is open). The validity lets
 * an offline robot stop counting a certificate that expires while its bundle is still fresh.
 *
 * @param noTaskCategoryAllowed the allowed task categories of the certificates have nothing in common
 */
public record CertifiedTier(Tier tier, OperatingConditions conditions, Instant validFrom, Instant validUntil,
        boolean noTaskCategoryAllowed) {

    public CertifiedTier {
        Objects.requireNonNull(tier, "tier");
        conditions = conditions == null ? OperatingConditions.NONE : conditions;
    }

    public static CertifiedTier of(Tier tier) {
        return new CertifiedTier(tier, OperatingConditions.NONE, null, null, false);
    }

    public static CertifiedTier of(Tier tier, OperatingConditions conditions) {
        return new CertifiedTier(tier, conditions, null, null, false);
    }

    public boolean validAt(Instant at) {
        return (validFrom == null || !at.isBefore(validFrom)) && (validUntil == null || at.isBefore(validUntil));
    }
}
