package io.robotid.geofence.engine;

import java.time.Duration;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * The answer to a check.
 *
 * @param reasons every reason that applies (empty unless DENY), in {@link Reason} order
 * @param speedLimitMps the lowest speed limit of the matched zones and the robot's valid certificates
 * @param matchedZoneIds the zones the position is in and that are valid at the instant, highest
 *        precedence first (then by id)
 * @param policyVersion the version of the {@link ZoneIndex} the decision was made with
 * @param cacheFor how long the answer may be reused for the same robot, place and task: until the next
 *        instant at which a validity, time window, grant or certificate boundary could change it, at most
 *        the engine's maximum
 * @param details one line of explanation per finding, for people and audit logs
 */
public record Decision(Verdict verdict, Set<Reason> reasons, OptionalDouble speedLimitMps, List<String> matchedZoneIds,
        long policyVersion, Duration cacheFor, List<String> details) {

    public boolean allowed() {
        return verdict != Verdict.DENY;
    }
}
