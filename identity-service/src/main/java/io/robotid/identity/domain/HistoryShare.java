package io.robotid.identity.domain;

import java.time.Instant;

/**
 * A time-limited link to a robot's history report, made by the organisation that owns the robot. The
 * link's token is never stored, only its SHA-256 (hex).
 */
public record HistoryShare(String tokenSha256, String robotId, String ownerOrgId, String createdBy, String recipient,
        Instant createdAt, Instant expiresAt) {

    /** Whether the link opens nothing any more at {@code now} (it expires at {@code expiresAt}, exclusive). */
    public boolean expiredAt(Instant now) {
        return !now.isBefore(expiresAt);
    }
}
