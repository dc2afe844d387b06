package io.robotid.identity.domain;

import java.time.Instant;
import java.util.UUID;

/**
 * One IssueIdentities request: its range and issue time are fixed when it is reserved, so a
 * retry after a crash re-signs exactly the same certificates (Ed25519 is deterministic).
 */
public record IssuanceBatch(UUID requestId, byte[] requestHash, String subject, String origin,
        String manufacturerCode, String modelCode, String siteCode, int productionYear, long firstSequence,
        int count, Instant issuedAt, String keyId, State state) {

    public enum State { RESERVED, COMPLETE }

    public long lastSequence() {
        return firstSequence + count - 1;
    }
}
