package io.robotid.geofence.offline;

import io.robotid.evidence.format.Bundles;
import io.robotid.evidence.verify.Rejected;

import io.robotid.geofence.engine.CheckRequest;
import io.robotid.geofence.engine.Decision;
import io.robotid.geofence.engine.FieldViolation;
import io.robotid.geofence.engine.GeofenceEngine;
import io.robotid.geofence.engine.IndoorLocation;
import io.robotid.geofence.engine.Reason;
import io.robotid.geofence.engine.ValidationException;
import io.robotid.geofence.engine.Verdict;
import io.robotid.geofence.engine.Zone;
import io.robotid.geofence.engine.ZoneIndex;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * A permission bundle a robot decides with while offline. It is opened only when its Ed25519 signature
 * checks out against a trusted key; then {@link #decide} is the service's decision (the same
 * {@link GeofenceEngine} over the bundle's zones, grants and projection) until the bundle expires, and the
 * bundle's fallback rule after that.
 */
public final class OfflineBundle {

    private final PermissionBundle bundle;
    private final ZoneIndex index;
    private final GeofenceEngine engine;

    private OfflineBundle(PermissionBundle bundle, GeofenceEngine engine) {
        this.bundle = bundle;
        this.engine = engine;
        this.index = ZoneIndex.build(bundle.policyVersion(), bundle.zones(), bundle.grants());
    }

    /**
     * Verifies the signature over the exact bytes, then reads them.
     *
     * @param robotId the robot that will use the bundle: a bundle for another robot is refused
     * @param trustedKeys raw Ed25519 public keys by key id (from ListSigningKeys, fetched while online)
     */
    public static OfflineBundle open(byte[] bundle, String keyId, byte[] signature, Map<String, byte[]> trustedKeys,
            String robotId) throws Rejected {
        Bundles.verifySignature(bundle, keyId, signature, trustedKeys);
        PermissionBundle read = BundleCodec.read(bundle);
        if (robotId != null && !robotId.equals(read.robotId())) {
            throw new Rejected(Rejected.Why.WRONG_ROBOT,
                    "the bundle is for robot " + read.robotId() + ", not " + robotId);
        }
        try {
            return new OfflineBundle(read, new GeofenceEngine());
        } catch (ValidationException e) {
            throw new Rejected(Rejected.Why.MALFORMED, "the bundle holds an invalid policy: " + e.getMessage());
        }
    }

    /** As {@link #open}, and refuses a bundle that expired at {@code now}. */
    public static OfflineBundle openFresh(byte[] bundle, String keyId, byte[] signature, Map<String, byte[]> trustedKeys,
            String robotId, Instant now) throws Rejected {
        OfflineBundle opened = open(bundle, keyId, signature, trustedKeys, robotId);
        if (opened.expiredAt(now)) {
            throw new Rejected(Rejected.Why.EXPIRED, "the bundle expired at " + opened.bundle.expiresAt());
        }
        return opened;
    }

    public PermissionBundle content() {
        return bundle;
    }

    public boolean expiredAt(Instant at) {
        return !at.isBefore(bundle.expiresAt());
    }

    /** The decision at an outdoor position inside the bundle's box. */
    public Decision decide(double lat, double lon, String task, Instant at) {
        if (bundle.region().isVenue() || !bundle.region().contains(lat, lon)) {
            throw new ValidationException(List.of(new FieldViolation("position",
                    "is outside the bundle's region: the bundle cannot say which zones are there")));
        }
        return decide(CheckRequest.outdoor(bundle.robot(), lat, lon, task, at));
    }

    /** The decision at an indoor place of the bundle's venue. */
    public Decision decide(IndoorLocation where, String task, Instant at) {
        if (!bundle.region().isVenue() || !bundle.region().venue().equals(where.venue())) {
            throw new ValidationException(List.of(new FieldViolation("indoor.venue",
                    "is not the bundle's venue: the bundle cannot say which zones are there")));
        }
        return decide(CheckRequest.indoor(bundle.robot(), where, task, at));
    }

    private Decision decide(CheckRequest request) {
        Decision d = engine.decide(index, request);
        return expiredAt(request.at()) ? fallback(d) : d;
    }

    /**
     * After expiry: DENY ({@link Reason#OFFLINE_BUNDLE_EXPIRED}) unless a matched zone is safe for offline use;
     * there, the decision stands with the speed limited to the fallback's.
     */
    private Decision fallback(Decision d) {
        boolean safe = false;
        for (String id : d.matchedZoneIds()) {
            Zone z = index.zone(id);
            if (z != null && z.safeForOffline()) {
                safe = true;
                break;
            }
        }
        List<String> details = new ArrayList<>(d.details());
        if (!safe) {
            Set<Reason> reasons = EnumSet.of(Reason.OFFLINE_BUNDLE_EXPIRED);
            reasons.addAll(d.reasons());
            details.add(Reason.OFFLINE_BUNDLE_EXPIRED + ": the bundle expired at " + bundle.expiresAt()
                    + " and no zone here is marked safe for offline use");
            return new Decision(Verdict.DENY, java.util.Collections.unmodifiableSet(reasons), d.speedLimitMps(), d.matchedZoneIds(), d.policyVersion(),
                    Duration.ZERO, List.copyOf(details));
        }
        if (d.verdict() == Verdict.DENY) {
            return d;
        }
        double limit = bundle.fallback().maxSpeedMps();
        if (d.speedLimitMps().isPresent()) {
            limit = Math.min(limit, d.speedLimitMps().getAsDouble());
        }
        details.add("the bundle expired at " + bundle.expiresAt() + ": offline fallback, at most " + limit + " m/s");
        return new Decision(Verdict.ALLOW_WITH_CONDITIONS, d.reasons(), OptionalDouble.of(limit), d.matchedZoneIds(),
                d.policyVersion(), Duration.ZERO, List.copyOf(details));
    }
}
