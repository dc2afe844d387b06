package io.robotid.geofence.engine;

import java.time.Instant;

/**
 * A zone set by a zone authority. {@code validFrom} inclusive, {@code validUntil} exclusive, {@code null}
 * open. {@code precedence} orders the matched zones of a decision (highest first); every matched zone
 * applies (see docs/geofence.md). {@code safeForOffline} marks zones a robot may still use after its offline
 * bundle expired (the bundle's fallback rule; not used by {@link GeofenceEngine#decide}).
 */
public record Zone(String id, String authority, ZoneKind kind, ZoneGeometry geometry, int precedence,
        Instant validFrom, Instant validUntil, boolean publicSpace, boolean safeForOffline, ZoneConditions conditions) {

    public Zone {
        conditions = conditions == null ? ZoneConditions.NONE : conditions;
    }

    public boolean validAt(Instant at) {
        return (validFrom == null || !at.isBefore(validFrom)) && (validUntil == null || at.isBefore(validUntil));
    }
}
