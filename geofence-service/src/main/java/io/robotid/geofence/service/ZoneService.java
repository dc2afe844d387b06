package io.robotid.geofence.service;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.locationtech.jts.geom.Envelope;

import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;

import io.robotid.geofence.domain.Box;
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
import io.robotid.proto.geofence.v1.ZoneDefinition;
import io.robotid.proto.geofence.v1.ZoneKind;
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

    /**
     * A new grant as asked. Exactly one grantee is given (a robot or an operator); both null: neither was.
     *
     * @param zoneId the zone, as asked
     * @param robotId the robot granted, as asked; null: not a robot
     * @param operatorOrgId the operator granted; null: not an operator
     * @param taskCategories the tasks allowed (empty: any)
     * @param validFrom from when; null: from the write
     * @param validUntil until when; null: no end
     */
    public record NewGrant(String zoneId, String robotId, String operatorOrgId, List<String> taskCategories,
            Timestamp validFrom, Timestamp validUntil) {
    }

    /**
     * Which zones to list (every filter optional) and which page.
     *
     * @param kind only zones of this kind; {@code ZONE_KIND_UNSPECIFIED}: any
     */
    public record ZoneQuery(Box box, String authority, ZoneKind kind, String venue, boolean includeDeleted, int pageSize,
            String pageToken) {
    }

    /** A page of zones, the token of the next one (null when none follows) and the policy version listed at. */
    public record ZonePage(List<io.robotid.proto.geofence.v1.Zone> zones, String nextPageToken, long policyVersion) {
    }

    /** Which grants to list (of a zone or of a robot, as asked; empty: not that filter) and which page. */
    public record GrantQuery(String zoneId, String robotId, boolean includeRevoked, int pageSize, String pageToken) {
    }

    /** A page of grants, and the token of the next one (null when none follows). */
    public record GrantPage(List<io.robotid.proto.geofence.v1.Grant> grants, String nextPageToken) {
    }

    public <R extends Message> Uni<R> create(WriteContext context, ZoneDefinition definition,
            RecordedAnswer<io.robotid.proto.geofence.v1.Zone, R> answer) {
        String authority = authorityOf(context.caller());
        String zoneId = UUID.randomUUID().toString();
        Zone engineZone = ZoneDefinitions.toZone(zoneId, authority, definition, "zone");
        return transaction(context, answer, c -> policy.nextVersion(c).chain(version -> {
            io.robotid.proto.geofence.v1.Zone zone = io.robotid.proto.geofence.v1.Zone.newBuilder().setZoneId(zoneId)
                    .setAuthority(authority).setDefinition(definition).setVersion(version).setCreated(stamp(context)).build();
            return policy.insertZone(c, zone, placement(engineZone)).replaceWith(zone);
        }));
    }

    /** @param expectedVersion the version the caller saw; null: any */
    public <R extends Message> Uni<R> update(WriteContext context, String zoneIdAsked, ZoneDefinition definition,
            Long expectedVersion, RecordedAnswer<io.robotid.proto.geofence.v1.Zone, R> answer) {
        UUID zoneId = Violations.requireUuid("zone_id", zoneIdAsked);
        return transaction(context, answer, c -> policy.lockZone(c, zoneId).chain(found -> {
            io.robotid.proto.geofence.v1.Zone current = live(found, zoneIdAsked);
            requireOwner(context.caller(), current);
            if (expectedVersion != null && expectedVersion != current.getVersion()) {
                throw DomainException.failedPrecondition("VERSION_MISMATCH", "zone " + zoneIdAsked + " is at version "
                        + current.getVersion() + ", not " + expectedVersion,
                        Map.of("current_version", Long.toString(current.getVersion())));
            }
            Zone engineZone = ZoneDefinitions.toZone(current.getZoneId(), current.getAuthority(), definition, "zone");
            return policy.nextVersion(c).chain(version -> {
                io.robotid.proto.geofence.v1.Zone zone = current.toBuilder().setDefinition(definition).setVersion(version)
                        .setLastChanged(stamp(context)).build();
                return policy.updateZone(c, zone, placement(engineZone)).replaceWith(zone);
            });
        }));
    }

    public <R extends Message> Uni<R> delete(WriteContext context, String zoneIdAsked, String reason,
            RecordedAnswer<io.robotid.proto.geofence.v1.Zone, R> answer) {
        UUID zoneId = Violations.requireUuid("zone_id", zoneIdAsked);
        reason(reason);
        return transaction(context, answer, c -> policy.lockZone(c, zoneId).chain(found -> {
            io.robotid.proto.geofence.v1.Zone current = live(found, zoneIdAsked);
            requireOwner(context.caller(), current);
            return policy.nextVersion(c).chain(version -> {
                io.robotid.proto.geofence.v1.Zone zone = current.toBuilder().setDeleted(true).setVersion(version)
                        .setLastChanged(stamp(context)).build();
                Zone engineZone = ZoneDefinitions.toZone(current.getZoneId(), current.getAuthority(), current.getDefinition(), "zone");
                return policy.updateZone(c, zone, placement(engineZone))
                        .chain(() -> policy.lockActiveGrantsOf(c, zoneId))
                        .chain(grants -> revokeAll(c, grants, version, context, "zone deleted: " + reason))
                        .replaceWith(zone);
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

    public <R extends Message> Uni<R> grant(WriteContext context, NewGrant asked,
            RecordedAnswer<io.robotid.proto.geofence.v1.Grant, R> answer) {
        UUID zoneId = Violations.requireUuid("zone_id", asked.zoneId());
        String grantId = UUID.randomUUID().toString();
        io.robotid.proto.geofence.v1.Grant.Builder b = io.robotid.proto.geofence.v1.Grant.newBuilder().setGrantId(grantId)
                .setZoneId(asked.zoneId()).addAllTaskCategories(asked.taskCategories().stream()
                        .map(t -> t.toLowerCase(java.util.Locale.ROOT)).toList());
        if (asked.robotId() != null) {
            b.setRobotId(Violations.requireRobotId("robot_id", asked.robotId()));
        } else if (asked.operatorOrgId() != null) {
            if (asked.operatorOrgId().isBlank() || asked.operatorOrgId().length() > 128) {
                throw DomainException.invalidArgument("operator_org_id", "must be 1..128 characters");
            }
            b.setOperatorOrgId(asked.operatorOrgId());
        } else {
            throw DomainException.invalidArgument("grantee", "exactly one of robot_id and operator_org_id is required");
        }
        if (asked.validFrom() != null) {
            b.setValidFrom(asked.validFrom());
        } else {
            b.setValidFrom(ZoneDefinitions.timestamp(context.at()));
        }
        if (asked.validUntil() != null) {
            b.setValidUntil(asked.validUntil());
        }
        ZoneDefinitions.validateGrant(ZoneDefinitions.toGrant(b.build()), "");
        return transaction(context, answer, c -> policy.lockZone(c, zoneId).chain(found -> {
            io.robotid.proto.geofence.v1.Zone zone = live(found, asked.zoneId());
            requireOwner(context.caller(), zone);
            if (zone.getDefinition().getKind() == ZoneKind.ZONE_KIND_PROHIBITED) {
                throw DomainException.failedPrecondition("ZONE_PROHIBITED", "zone " + zone.getZoneId()
                        + " is PROHIBITED: no grant lets a robot in (change its kind to RESTRICTED first)", Map.of());
            }
            return policy.nextVersion(c).chain(version -> {
                io.robotid.proto.geofence.v1.Grant grant = b.setVersion(version).setGranted(stamp(context)).build();
                return policy.insertGrant(c, grant).replaceWith(grant);
            });
        }));
    }

    public <R extends Message> Uni<R> revoke(WriteContext context, String grantIdAsked, String reason,
            RecordedAnswer<io.robotid.proto.geofence.v1.Grant, R> answer) {
        UUID grantId = Violations.requireUuid("grant_id", grantIdAsked);
        reason(reason);
        return transaction(context, answer, c -> policy.lockGrant(c, grantId).chain(found -> {
            io.robotid.proto.geofence.v1.Grant current = found.orElseThrow(() -> DomainException.notFound("grant", grantIdAsked));
            return policy.lockZone(c, UUID.fromString(current.getZoneId())).chain(zone -> {
                requireOwner(context.caller(), zone.orElseThrow());
                if (current.getRevoked()) {
                    throw DomainException.failedPrecondition("GRANT_REVOKED", "grant " + current.getGrantId() + " is already revoked",
                            Map.of());
                }
                return policy.nextVersion(c).chain(version -> {
                    io.robotid.proto.geofence.v1.Grant grant = current.toBuilder().setRevoked(true).setRevokeReason(reason)
                            .setVersion(version).setRevokedBy(stamp(context)).build();
                    return policy.updateGrant(c, grant).replaceWith(grant);
                });
            });
        }));
    }

    public Uni<io.robotid.proto.geofence.v1.Zone> get(String zoneIdAsked) {
        UUID zoneId = Violations.requireUuid("zone_id", zoneIdAsked);
        return policy.findZone(zoneId).map(found -> found.orElseThrow(() -> DomainException.notFound("zone", zoneIdAsked)));
    }

    public Uni<ZonePage> list(ZoneQuery query) {
        PolicyRepository.Placement box = null;
        if (query.box() != null) {
            Box b = query.box().requireValid("box");
            box = new PolicyRepository.Placement(b.minLatitude(), b.minLongitude(), b.maxLatitude(), b.maxLongitude(), null);
        }
        PolicyRepository.ZoneFilter filter = new PolicyRepository.ZoneFilter(blankToNull(query.authority()),
                query.kind() == ZoneKind.ZONE_KIND_UNSPECIFIED ? null : query.kind().name(), blankToNull(query.venue()),
                box, query.includeDeleted());
        PageRequest page = PageRequest.of(query.pageSize(), query.pageToken(), filter.render());
        long version = store.current().policyVersion();
        return policy.listZones(filter, page).map(zones -> new ZonePage(zones.subList(0, Math.min(zones.size(), page.size())),
                zones.size() > page.size() ? PageRequest.tokenAfter(zones.get(page.size() - 1).getZoneId(), filter.render()) : null,
                version));
    }

    /**
     * Grants of a zone or of a robot. Zone authorities see those of their own zones; regulators and
     * auditors all; a robot its own; an operator those to it or to a robot it runs.
     */
    public Uni<GrantPage> grants(CallerIdentity caller, GrantQuery query, Projections projections) {
        Violations v = new Violations();
        if (query.zoneId().isEmpty() && query.robotId().isEmpty()) {
            v.add("zone_id", "zone_id or robot_id is required");
        }
        UUID zoneId = query.zoneId().isEmpty() ? null : v.gather(() -> Violations.requireUuid("zone_id", query.zoneId()));
        String robotId = query.robotId().isEmpty() ? null
                : v.gather(() -> Violations.requireRobotId("robot_id", query.robotId()));
        String filters = "zone=" + zoneId + "&robot=" + robotId + "&revoked=" + query.includeRevoked();
        PageRequest page = v.gather(() -> PageRequest.of(query.pageSize(), query.pageToken(), filters));
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
        return scope.chain(zones -> policy.listGrants(zoneId, robotId, operator, query.includeRevoked(), zones, page))
                .map(grants -> new GrantPage(grants.subList(0, Math.min(grants.size(), page.size())), grants.size() > page.size()
                        ? PageRequest.tokenAfter(grants.get(page.size() - 1).getGrantId(), filters) : null));
    }

    // ------------------------------------------------------------------------------------------------

    /** One write: idempotent by request id and recorded with its answer (the kit), then the replica's policy refreshed. */
    private <T, R extends Message> Uni<R> transaction(WriteContext context, RecordedAnswer<T, R> answer,
            java.util.function.Function<SqlConnection, Uni<T>> write) {
        return database.withTransaction(c -> IdempotentSqlWrites.execute(c, context, answer.request(), answer.parser(),
                () -> write.apply(c).map(answer.answer())))
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

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
