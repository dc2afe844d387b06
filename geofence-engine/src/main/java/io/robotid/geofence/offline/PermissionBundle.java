package io.robotid.geofence.offline;

import io.robotid.geofence.engine.Grant;
import io.robotid.geofence.engine.RobotProjection;
import io.robotid.geofence.engine.Zone;
import java.time.Instant;
import java.util.List;

/**
 * What a permission bundle holds: the robot and its projection, the region and the zones in it, the robot's
 * grants, the policy version, when it was issued and until when it holds, and the rule after that.
 *
 * @param region a bounding box or a venue
 * @param fallback what an offline robot may do once the bundle expired
 */
public record PermissionBundle(String robotId, Instant issuedAt, Instant expiresAt, long policyVersion, Region region,
        Fallback fallback, RobotProjection robot, List<Zone> zones, List<Grant> grants) {

    public static final String FORMAT = io.robotid.evidence.format.Bundles.FORMAT;

    public PermissionBundle {
        zones = List.copyOf(zones);
        grants = List.copyOf(grants);
    }

    /** Exactly one of a box (WGS84 degrees) and a venue. */
    public record Region(Double minLat, Double minLon, Double maxLat, Double maxLon, String venue) {
        public static Region box(double minLat, double minLon, double maxLat, double maxLon) {
            return new Region(minLat, minLon, maxLat, maxLon, null);
        }

        public static Region venue(String venue) {
            return new Region(null, null, null, null, venue);
        }

        public boolean isVenue() {
            return venue != null;
        }

        public boolean contains(double lat, double lon) {
            return !isVenue() && lat >= minLat && lat <= maxLat && lon >= minLon && lon <= maxLon;
        }
    }

    /**
     * The rule after expiry. {@link #DEFAULT}: deny everything except places inside a zone marked safe for
     * offline use, and there at most {@code maxSpeedMps}.
     */
    public record Fallback(String rule, double maxSpeedMps) {
        public static final String DENY_EXCEPT_SAFE_FOR_OFFLINE = "DENY_EXCEPT_SAFE_FOR_OFFLINE";
        public static final Fallback DEFAULT = new Fallback(DENY_EXCEPT_SAFE_FOR_OFFLINE, 0.5);
    }
}
