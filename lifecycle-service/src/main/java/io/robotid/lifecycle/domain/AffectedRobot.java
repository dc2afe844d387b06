package io.robotid.lifecycle.domain;

import java.time.Instant;
import java.util.Optional;

/** A robot a recall campaign covers, and when it was remedied (empty while it is not). */
public record AffectedRobot(String robotId, Optional<Instant> remediedAt) {
}
