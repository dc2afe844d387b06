package io.robotid.geofence.service;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.locationtech.jts.geom.Envelope;

import io.robotid.geofence.domain.ZoneDefinitions;
import io.robotid.geofence.engine.Zone;
import io.robotid.geofence.engine.ZoneGeometry;
import io.robotid.geofence.repository.PolicyRepository;
import io.robotid.kit.audit.WriteContext;
import io.robotid.kit.error.DomainException;
import io.robotid.kit.idempotency.IdempotentSqlWrites;
import io.robotid.kit.id.RobotId;
import io.robotid.kit.paging.PageRequest;
import io.robotid.kit.security.CallerIdentity;
import io.robotid.kit.security.Role;
import io.robotid.kit.validation.Violations;
import io.robotid.proto.common.v1.AuditStamp;
import io.robotid.proto.geofence.v1.*;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * Zones and grants: who may write which, the writes (one transaction each, idempotent by request id and
 * audited in {@code write_record}), and the reads. After a write commits, the replica's policy is refreshed
 * before the answer goes out, so the writer's next check already sees it; other replicas see it within
 * their poll interval.
 */
@ApplicationScoped
public class ZoneService {
    /** The authority of zones a regulator without an org_id claim creates. */
    static final String REGULATOR_AUTHORITY = "regulator";

    private final PolicyRepository policy;
    private final PolicyStore store;
    private final Pool database;

    public ZoneService(PolicyRepository policy, PolicyStore store, Pool database) {
        this.policy = policy;
        this.store = store;
        this.database = database;
    }

    /** The zone authority a caller acts as. */
    static String authorityOf(CallerIdentity caller) {
        if (caller.has(Role.ZONE_AUTHORITY)) {
            return caller.orgId().orElseThrow(() -> DomainException.permissionDenied("ORGANISATION_CLAIM_MISSING",
                    "a ZONE_AUTHORITY token needs an org_id claim naming the authority"));
        }
        return caller.orgId().orElse(REGULATOR_AUTHORITY);
    }

    /** Zone authorities edit their own zones; regulators any. */
    static void requireOwner(CallerIdentity caller, io.robotid.proto.geofence.v1.Zone zone) {
        if (caller.has(Role.REGULATOR)) {
            return;
        }
        if (!zone.getAuthority().equals(caller.orgId().orElse(null))) {
            throw DomainException.permissionDenied("NOT_ZONE_AUTHORITY",
                    "zone " + zone.getZoneId() + " belongs to authority " + zone.getAuthority() + "; only it or a regulator may change it");
        }
    }

    public Uni<CreateZoneResponse> create(WriteContext context, CreateZoneRequest request) {
        String authority = authorityOf(context.caller());
        String zoneId = UUID.randomUUID().toString();
        Zone engineZone = ZoneDefinitions.toZone(zoneId, authority, request.getZone(), "zone");
        return transaction(context, request, CreateZoneResponse.parser(), c -> policy.nextVersion(c).chain(version -> {
            io.robotid.proto.geofence.v1.Zone zone = io.robotid.proto.geofence.v1.Zone.newBuilder().setZoneId(zoneId)
                    .setAuthority(authority).setDefinition(request.getZone()).setVersion(version).setCreated(stamp(context)).build();
            return policy.insertZone(c, zone, placement(engineZone)).replaceWith(CreateZoneResponse.newBuilder().setZone(zone).build());
        }));
    }

    public Uni<UpdateZoneResponse> update(WriteContext context, UpdateZoneRequest request) {
        UUID zoneId = Violations.requireUuid("zone_id", request.getZoneId());
        return transaction(context, request, UpdateZoneResponse.parser(), c -> policy.lockZone(c, zoneId).chain(found -> {
            io.robotid.proto.geofence.v1.Zone current = live(found, request.getZoneId());
            requireOwner(context.caller(), current);
            if (request.hasExpectedVersion() && request.getExpectedVersion() != current.getVersion()) {
                throw DomainException.failedPrecondition("VERSION_MISMATCH", "zone " + request.getZoneId() + " is at version "
                        + current.getVersion() + ", not " + request.getExpectedVersion(),
                        Map.of("current_version", Long.toString(current.getVersion())));
            }
            Zone engineZone = ZoneDefinitions.toZone(current.getZoneId(), current.getAuthority(), request.getZone(), "zone");
            return policy.nextVersion(c).chain(version -> {
                io.robotid.proto.geofence.v1.Zone zone = current.toBuilder().setDefinition(request.getZone()).setVersion(version)
                        .setLastChanged(stamp(context)).build();
                return policy.updateZone(c, zone, placement(engineZone)).replaceWith(UpdateZoneResponse.newBuilder().setZone(zone).build());
            });
        }));
    }

    public Uni<DeleteZoneResponse> delete(WriteContext context, DeleteZoneRequest request) {
        UUID zoneId = Violations.requireUuid("zone_id", request.getZoneId());
        reason(request.getReason());
        return transaction(context, request, DeleteZoneResponse.parser(), c -> policy.lockZone(c, zoneId).chain(found -> {
            io.robotid.proto.geofence.v1.Zone current = live(found, request.getZoneId());
            requireOwner(context.caller(), current);
            return policy.nextVersion(c).chain(version -> {
                io.robotid.proto.geofence.v1.Zone zone = current.toBuilder().setDeleted(true).setVersion(version)
                        .setLastChanged(stamp(context)).build();
                Zone engineZone = ZoneDefinitions.toZone(current.getZoneId(), current.getAuthority(), current.getDefinition(), "zone");
                return policy.updateZone(c, zone, placement(engineZone))
                        .chain(() -> policy.lockActiveGrantsOf(c, zoneId))
                        .chain(grants -> revokeAll(c, grants, version, context, "zone deleted: " + request.getReason()))
                        .replaceWith(DeleteZoneResponse.newBuilder().setZone(zone).build());
            });
        }));
    }

    private Uni<Void> revokeAll(SqlConnection c, List<io.robotid.proto.geofence.v1.Grant> grants, long version, WriteContext context,
            String reason) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (io.robotid.proto.geofence.v1.Grant g : grants) {
            chain = chain.chain(() -> policy.updateGrant(c, g.toBuilder().setRevoked(true).setRevokeReason(reason).setVersion(version)
                    .setRevokedBy(stamp(context)).build()));
        }
        return chain;
    }

    public Uni<GrantPermissionResponse> grant(WriteContext context, GrantPermissionRequest request) {
        UUID zoneId = Violations.requireUuid("zone_id", request.getZoneId());
        String grantId = UUID.randomUUID().toString();
        io.robotid.proto.geofence.v1.Grant.Builder b = io.robotid.proto.geofence.v1.Grant.newBuilder().setGrantId(grantId)
                .setZoneId(request.getZoneId()).addAllTaskCategories(request.getTaskCategoriesList().stream()
                        .map(t -> t.toLowerCase(java.util.Locale.ROOT)).toList());
        switch (request.getGranteeCase()) {
            case ROBOT_ID -> b.setRobotId(Violations.requireRobotId("robot_id", request.getRobotId()));
            case OPERATOR_ORG_ID -> {
                if (request.getOperatorOrgId().isBlank() || request.getOperatorOrgId().length() > 128) {
                    throw DomainException.invalidArgument("operator_org_id", "must be 1..128 characters");
                }
                b.setOperatorOrgId(request.getOperatorOrgId());
            }
            default -> throw DomainException.invalidArgument("grantee", "exactly one of robot_id and operator_org_id is required");
        }
        if (request.hasValidFrom()) {
            b.setValidFrom(request.getValidFrom());
        } else {
            b.setValidFrom(ZoneDefinitions.timestamp(context.at()));
        }
        if (request.hasValidUntil()) {
            b.setValidUntil(request.getValidUntil());
        }
        ZoneDefinitions.validateGrant(ZoneDefinitions.toGrant(b.build()), "");
        return transaction(context, request, GrantPermissionResponse.parser(), c -> policy.lockZone(c, zoneId).chain(found -> {
            io.robotid.proto.geofence.v1.Zone zone = live(found, request.getZoneId());
            requireOwner(context.caller(), zone);
            if (zone.getDefinition().getKind() == ZoneKind.ZONE_KIND_PROHIBITED) {
                throw DomainException.failedPrecondition("ZONE_PROHIBITED", "zone " + zone.getZoneId()
                        + " is PROHIBITED: no grant lets a robot in (change its kind to RESTRICTED first)", Map.of());
            }
            return policy.nextVersion(c).chain(version -> {
                io.robotid.proto.geofence.v1.Grant grant = b.setVersion(version).setGranted(stamp(context)).build();
                return policy.insertGrant(c, grant).replaceWith(GrantPermissionResponse.newBuilder().setGrant(grant).build());
            });
        }));
    }

    public Uni<RevokePermissionResponse> revoke(WriteContext context, RevokePermissionRequest request) {
        UUID grantId = Violations.requireUuid("grant_id", request.getGrantId());
        reason(request.getReason());
        return transaction(context, request, RevokePermissionResponse.parser(), c -> policy.lockGrant(c, grantId).chain(found -> {
            io.robotid.proto.geofence.v1.Grant current = found.orElseThrow(() -> DomainException.notFound("grant", request.getGrantId()));
            return policy.lockZone(c, UUID.fromString(current.getZoneId())).chain(zone -> {
                requireOwner(context.caller(), zone.orElseThrow());
                if (current.getRevoked()) {
                    throw DomainException.failedPrecondition("GRANT_REVOKED", "grant " + current.getGrantId() + " is already revoked",
                            Map.of());
                }
                return policy.nextVersion(c).chain(version -> {
                    io.robotid.proto.geofence.v1.Grant grant = current.toBuilder().setRevoked(true).setRevokeReason(request.getReason())
                            .setVersion(version).setRevokedBy(stamp(context)).build();
                    return policy.updateGrant(c, grant).replaceWith(RevokePermissionResponse.newBuilder().setGrant(grant).build());
                });
            });
        }));
    }

    public Uni<GetZoneResponse> get(GetZoneRequest request) {
        UUID zoneId = Violations.requireUuid("zone_id", request.getZoneId());
        return policy.findZone(zoneId).map(found -> GetZoneResponse.newBuilder()
                .setZone(found.orElseThrow(() -> DomainException.notFound("zone", request.getZoneId()))).build());
    }

    public Uni<ListZonesResponse> list(ListZonesRequest request) {
        PolicyRepository.Placement box = null;
        if (request.hasBox()) {
            BoundingBox b = request.getBox();
            box(b, "box");
            box = new PolicyRepository.Placement(b.getMinLatitude(), b.getMinLongitude(), b.getMaxLatitude(), b.getMaxLongitude(), null);
        }
        PolicyRepository.ZoneFilter filter = new PolicyRepository.ZoneFilter(blankToNull(request.getAuthority()),
                request.getKind() == ZoneKind.ZONE_KIND_UNSPECIFIED ? null : request.getKind().name(), blankToNull(request.getVenue()),
                box, request.getIncludeDeleted());
        PageRequest page = PageRequest.of(request.getPageSize(), request.getPageToken(), filter.render());
        long version = store.current().policyVersion();
        return policy.listZones(filter, page).map(zones -> {
            ListZonesResponse.Builder out = ListZonesResponse.newBuilder().setPolicyVersion(version);
            out.addAllZones(zones.subList(0, Math.min(zones.size(), page.size())));
            if (zones.size() > page.size()) {
                out.setNextPageToken(PageRequest.tokenAfter(zones.get(page.size() - 1).getZoneId(), filter.render()));
            }
            return out.build();
        });
    }

    /**
     * Grants of a zone or of a robot. Zone authorities see those of their own zones; regulators and
     * auditors all; a robot its own; an operator those to it or to a robot it runs.
     */
    public Uni<ListGrantsResponse> grants(CallerIdentity caller, ListGrantsRequest request, Projections projections) {
        Violations v = new Violations();
        if (request.getZoneId().isEmpty() && request.getRobotId().isEmpty()) {
            v.add("zone_id", "zone_id or robot_id is required");
        }
        UUID zoneId = request.getZoneId().isEmpty() ? null : v.gather(() -> Violations.requireUuid("zone_id", request.getZoneId()));
        String robotId = request.getRobotId().isEmpty() ? null
                : v.gather(() -> Violations.requireRobotId("robot_id", request.getRobotId()));
        String filters = "zone=" + zoneId + "&robot=" + robotId + "&revoked=" + request.getIncludeRevoked();
        PageRequest page = v.gather(() -> PageRequest.of(request.getPageSize(), request.getPageToken(), filters));
        v.throwIfAny();
        String operator = robotId == null ? null : projections.get(robotId).operatorOrg();
        Uni<List<UUID>> scope;
        if (caller.hasAny(Role.REGULATOR, Role.AUDITOR)) {
            scope = Uni.createFrom().nullItem();
        } else if (caller.has(Role.ZONE_AUTHORITY)) {
            scope = policy.zonesOf(caller.orgId().orElse(""));
        } else if (caller.has(Role.ROBOT) && robotId != null && robotId.equals(caller.robotId().orElse(null))) {
            scope = Uni.createFrom().nullItem();
        } else if (caller.has(Role.OPERATOR) && robotId != null && operator != null && operator.equals(caller.orgId().orElse(null))) {
            scope = Uni.createFrom().nullItem();
        } else {
            throw DomainException.permissionDenied("NOT_YOUR_GRANTS",
                    "grants are shown to zone authorities (their zones), regulators, auditors, the robot itself and its operator");
        }
        return scope.chain(zones -> policy.listGrants(zoneId, robotId, operator, request.getIncludeRevoked(), zones, page))
                .map(grants -> {
                    ListGrantsResponse.Builder out = ListGrantsResponse.newBuilder();
                    out.addAllGrants(grants.subList(0, Math.min(grants.size(), page.size())));
                    if (grants.size() > page.size()) {
                        out.setNextPageToken(PageRequest.tokenAfter(grants.get(page.size() - 1).getGrantId(), filters));
                    }
                    return out.build();
                });
    }

    // ------------------------------------------------------------------------------------------------

    private <R extends com.google.protobuf.Message> Uni<R> transaction(WriteContext context, com.google.protobuf.Message request,
            com.google.protobuf.Parser<R> parser, java.util.function.Function<SqlConnection, Uni<R>> write) {
        return database.withTransaction(c -> IdempotentSqlWrites.execute(c, context, request, parser, () -> write.apply(c)))
                .call(ignored -> store.refresh());
    }

    private static io.robotid.proto.geofence.v1.Zone live(java.util.Optional<io.robotid.proto.geofence.v1.Zone> found, String id) {
        io.robotid.proto.geofence.v1.Zone zone = found.orElseThrow(() -> DomainException.notFound("zone", id));
        if (zone.getDeleted()) {
            throw DomainException.failedPrecondition("ZONE_DELETED", "zone " + id + " was deleted", Map.of());
        }
        return zone;
    }

    static PolicyRepository.Placement placement(Zone zone) {
        if (zone.geometry() instanceof ZoneGeometry.Outdoor out) {
            Envelope e = out.polygonal().getEnvelopeInternal();
            return new PolicyRepository.Placement(e.getMinY(), e.getMinX(), e.getMaxY(), e.getMaxX(), null);
        }
        return new PolicyRepository.Placement(null, null, null, null, ((ZoneGeometry.Indoor) zone.geometry()).venue());
    }

    static AuditStamp stamp(WriteContext context) {
        return AuditStamp.newBuilder().setSubject(context.caller().subject()).setRole(context.caller().auditRole())
                .setOrganisation(context.caller().auditOrganisation()).setTime(ZoneDefinitions.timestamp(context.at()))
                .setRequestId(context.requestId().toString()).setTraceId(context.traceId()).build();
    }

    static void reason(String reason) {
        if (reason.isBlank() || reason.length() > 500) {
            throw DomainException.invalidArgument("reason", "is required: 1..500 characters");
        }
    }

    public static void box(BoundingBox b, String field) {
        io.robotid.kit.validation.Violations v = new io.robotid.kit.validation.Violations();
        check(b.getMinLatitude(), -90, 90, field + ".min_latitude", v);
        check(b.getMaxLatitude(), -90, 90, field + ".max_latitude", v);
        check(b.getMinLongitude(), -180, 180, field + ".min_longitude", v);
        check(b.getMaxLongitude(), -180, 180, field + ".max_longitude", v);
        if (b.getMinLatitude() > b.getMaxLatitude()) {
            v.add(field + ".max_latitude", "must not be below min_latitude");
        }
        if (b.getMinLongitude() > b.getMaxLongitude()) {
            v.add(field + ".max_longitude", "must not be below min_longitude (a box across the antimeridian is two boxes)");
        }
        v.throwIfAny();
    }

    private static void check(double value, double min, double max, String field, io.robotid.kit.validation.Violations v) {
        if (Double.isNaN(value) || value < min || value > max) {
            v.add(field, "must be a number in [" + min + ", " + max + "], not " + value);
        }
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
