package io.robotid.geofence.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import com.google.protobuf.ByteString;

import io.robotid.geofence.GeofenceConfig;
import io.robotid.geofence.domain.AskingRights;
import io.robotid.geofence.domain.ZoneDefinitions;
import io.robotid.geofence.engine.Grant;
import io.robotid.geofence.engine.RobotProjection;
import io.robotid.geofence.engine.Zone;
import io.robotid.geofence.engine.ZoneIndex;
import io.robotid.geofence.offline.BundleCodec;
import io.robotid.geofence.offline.PermissionBundle;
import io.robotid.kit.error.DomainException;
import io.robotid.kit.validation.Violations;
import io.robotid.kit.security.CallerIdentity;
import io.robotid.proto.geofence.v1.BoundingBox;
import io.robotid.proto.geofence.v1.GetPermissionBundleRequest;
import io.robotid.proto.geofence.v1.GetPermissionBundleResponse;
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

    public Uni<GetPermissionBundleResponse> bundle(CallerIdentity caller, GetPermissionBundleRequest request) {
        String robotId = Violations.requireRobotId("robot_id", request.getRobotId());
        RobotProjection robot = projections.get(robotId);
        AskingRights.requireMayAsk(caller, robotId, robot);
        Duration validity = defaultValidity;
        if (request.hasValidity()) {
            validity = Duration.ofSeconds(request.getValidity().getSeconds(), request.getValidity().getNanos());
            if (validity.compareTo(MIN_VALIDITY) < 0 || validity.compareTo(maxValidity) > 0) {
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
        switch (request.getRegionCase()) {
            case BOX -> {
                BoundingBox b = request.getBox();
                ZoneService.box(b, "box");
                region = PermissionBundle.Region.box(b.getMinLatitude(), b.getMinLongitude(), b.getMaxLatitude(), b.getMaxLongitude());
                zones = index.outdoorZonesIntersecting(b.getMinLatitude(), b.getMinLongitude(), b.getMaxLatitude(), b.getMaxLongitude());
            }
            case VENUE -> {
                if (request.getVenue().isBlank()) {
                    throw DomainException.invalidArgument("venue", "is required (or give a box)");
                }
                region = PermissionBundle.Region.venue(request.getVenue());
                zones = index.indoorZonesOf(request.getVenue());
            }
            default -> throw DomainException.invalidArgument("region", "exactly one of box and venue is required");
        }
        Set<String> zoneIds = new HashSet<>();
        zones.forEach(z -> zoneIds.add(z.id()));
        List<Grant> grants = new ArrayList<>();
        for (Grant g : index.grants()) {
            boolean mine = robotId.equals(g.robotId()) || (g.operatorOrg() != null && g.operatorOrg().equals(robot.operatorOrg()));
            if (mine && zoneIds.contains(g.zoneId())) {
                grants.add(g);
            }
        }
        Instant issued = clock.instant();
        Instant expires = issued.plus(validity);
        byte[] bytes = BundleCodec.write(new PermissionBundle(robotId, issued, expires, index.policyVersion(), region,
                new PermissionBundle.Fallback(PermissionBundle.Fallback.DENY_EXCEPT_SAFE_FOR_OFFLINE, fallbackSpeed), robot, zones,
                grants));
        Context context = Vertx.currentContext();
        Uni<GetPermissionBundleResponse> signed = signer.sign(bytes).map(s -> GetPermissionBundleResponse.newBuilder()
                .setBundle(ByteString.copyFrom(bytes)).setKeyId(s.keyId()).setSignature(ByteString.copyFrom(s.signature()))
                .setIssuedAt(ZoneDefinitions.timestamp(issued)).setExpiresAt(ZoneDefinitions.timestamp(expires))
                .setZoneCount(zones.size()).setPolicyVersion(index.policyVersion()).build());
        return context == null ? signed : signed.emitOn(task -> context.runOnContext(ignored -> task.run()));
    }
}
