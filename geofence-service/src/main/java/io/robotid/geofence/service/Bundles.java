package io.robotid.geofence.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.robotid.geofence.GeofenceConfig;
import io.robotid.geofence.domain.AskingRights;
import io.robotid.geofence.domain.Box;
import io.robotid.geofence.engine.Grant;
import io.robotid.geofence.engine.RobotProjection;
import io.robotid.geofence.engine.Zone;
import io.robotid.geofence.engine.ZoneIndex;
import io.robotid.geofence.offline.BundleCodec;
import io.robotid.geofence.offline.PermissionBundle;
import io.robotid.kit.error.DomainException;
import io.robotid.kit.validation.Violations;
import io.robotid.kit.security.CallerIdentity;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Offline permission bundles: the zones of a region from the current policy, the grants that can let this
 * robot in (its own and its operator's), its projection, issued and expiry instants and the fallback rule,
 * written by geofence-engine's {@link BundleCodec} and signed whole with Ed25519.
 */
@ApplicationScoped
public class Bundles {
    static final Duration MIN_VALIDITY = Duration.ofMinutes(1);

    private final PolicyStore policy;
    private final Projections projections;
    private final ReceiptSigner signer;
    private final Clock clock;
    private final Duration defaultValidity;
    private final Duration maxValidity;
    private final double fallbackSpeed;

    public Bundles(PolicyStore policy, Projections projections, ReceiptSigner signer, Clock clock,
            GeofenceConfig config) {
        this.policy = policy;
        this.projections = projections;
        this.signer = signer;
        this.clock = clock;
        this.defaultValidity = config.bundle().defaultValidity();
        this.maxValidity = config.bundle().maxValidity();
        this.fallbackSpeed = config.bundle().fallbackSpeed();
    }

    /**
     * A signed bundle: its bytes as written by {@link BundleCodec}, the Ed25519 signature over them and the key
     * that made it, and what the bundle holds, for the answer.
     */
    public record SignedBundle(byte[] bundle, String keyId, byte[] signature, Instant issuedAt, Instant expiresAt,
            int zoneCount, long policyVersion) {
    }

    /**
     * The bundle of a region for a robot.
     *
     * @param robotId the robot, as asked (checked here)
     * @param validity how long the bundle is valid, as asked (checked here, after who may ask); null: the default
     * @param box the region as a box; null: not a box
     * @param venue the region as an indoor venue; null: not a venue (neither: refused)
     */
    public Uni<SignedBundle> bundle(CallerIdentity caller, String robotId, com.google.protobuf.Duration validity, Box box,
            String venue) {
        String robot = Violations.requireRobotId("robot_id", robotId);
        RobotProjection projection = projections.get(robot);
        AskingRights.requireMayAsk(caller, robot, projection);
        Duration valid = defaultValidity;
        if (validity != null) {
            valid = Duration.ofSeconds(validity.getSeconds(), validity.getNanos());
            if (valid.compareTo(MIN_VALIDITY) < 0 || valid.compareTo(maxValidity) > 0) {
                throw DomainException.invalidArgument("validity", "must be between " + MIN_VALIDITY.toMinutes() + " minute and "
                        + maxValidity.toHours() + " hours");
            }
        }
        PolicyStore.Policy current = policy.policy();
        if (!current.verified()) {
            throw DomainException.unavailable("POLICY_NOT_VERIFIED", "the zone policy does not check out against its log ("
                    + policy.integrityProblem() + "); no bundle is signed from it");
        }
        ZoneIndex index = current.index();
        PermissionBundle.Region region;
        List<Zone> zones;
        if (box != null) {
            Box b = box.requireValid("box");
            region = PermissionBundle.Region.box(b.minLatitude(), b.minLongitude(), b.maxLatitude(), b.maxLongitude());
            zones = index.outdoorZonesIntersecting(b.minLatitude(), b.minLongitude(), b.maxLatitude(), b.maxLongitude());
        } else if (venue != null) {
            if (venue.isBlank()) {
                throw DomainException.invalidArgument("venue", "is required (or give a box)");
            }
            region = PermissionBundle.Region.venue(venue);
            zones = index.indoorZonesOf(venue);
        } else {
            throw DomainException.invalidArgument("region", "exactly one of box and venue is required");
        }
        Set<String> zoneIds = new HashSet<>();
        zones.forEach(z -> zoneIds.add(z.id()));
        List<Grant> grants = new ArrayList<>();
        for (Grant g : index.grants()) {
            boolean mine = robot.equals(g.robotId()) || (g.operatorOrg() != null && g.operatorOrg().equals(projection.operatorOrg()));
            if (mine && zoneIds.contains(g.zoneId())) {
                grants.add(g);
            }
        }
        Instant issued = clock.instant();
        Instant expires = issued.plus(valid);
        byte[] bytes = BundleCodec.write(new PermissionBundle(robot, issued, expires, index.policyVersion(), region,
                new PermissionBundle.Fallback(PermissionBundle.Fallback.DENY_EXCEPT_SAFE_FOR_OFFLINE, fallbackSpeed), projection,
                zones, grants));
        Context context = Vertx.currentContext();
        Uni<SignedBundle> signed = signer.sign(bytes).map(s -> new SignedBundle(bytes, s.keyId(), s.signature(), issued, expires,
                zones.size(), index.policyVersion()));
        return context == null ? signed : signed.emitOn(task -> context.runOnContext(ignored -> task.run()));
    }
}
