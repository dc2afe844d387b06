package io.robotid.identity.domain;

import java.time.Instant;
import java.util.UUID;

import io.robotid.kit.id.RobotId;

/** One issued ID with its certificate, as stored and as answered. */
public record IssuedIdentity(RobotId robotId, String hardwareSerial, UUID batchRequestId, String keyId,
        Instant issuedAt, byte[] signature, IdentityStatus status) {
}
