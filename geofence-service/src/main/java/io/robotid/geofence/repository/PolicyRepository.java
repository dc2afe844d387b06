package io.robotid.geofence.repository;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.google.protobuf.InvalidProtocolBufferException;

import io.robotid.kit.paging.PageRequest;
import io.robotid.proto.geofence.v1.Grant;
import io.robotid.proto.geofence.v1.Zone;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Zones and grants, stored as their gRPC records with the columns they are looked up by. Every change
 * takes the next policy version under a transaction-scoped advisory lock, so versions commit in order:
 * a replica that applied every change up to version v missed none below it.
 */
@ApplicationScoped
public class PolicyRepository {
    static final long POLICY_LOCK = 0x67656f66656e6365L;

    /** Where an outdoor zone lies (its envelope) or which venue an indoor zone is in, for listing. */
    public record Placement(Double minLat, Double minLon, Double maxLat, Double maxLon, String venue) {
    }

    /** The policy changes after a version: zones and grants as they are now. */
    public record Changes(List<Zone> zones, List<Grant> grants) {
    }

    private final Pool database;

    public PolicyRepository(Pool database) {
        this.database = database;
    }

    /** Locks the policy for this transaction and takes the next version. */
    public Uni<Long> nextVersion(SqlConnection c) {
        return c.preparedQuery("select pg_advisory_xact_lock($1)").execute(Tuple.of(POLICY_LOCK))
                .chain(() -> c.query("select nextval('policy_version') as v").execute())
                .map(rows -> rows.iterator().next().getLong("v"));
    }

    public Uni<Void> insertZone(SqlConnection c, Zone zone, Placement where) {
        return c.preparedQuery("""
                insert into zone (zone_id, authority, kind, min_lat, min_lon, max_lat, max_lon, venue, body, version, deleted)
                values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, false)""")
                .execute(Tuple.from(Arrays.asList(UUID.fromString(zone.getZoneId()), zone.getAuthority(),
                        zone.getDefinition().getKind().name(), where.minLat(), where.minLon(), where.maxLat(), where.maxLon(),
                        where.venue(), Buffer.buffer(zone.toByteArray()), zone.getVersion())))
                .replaceWithVoid();
    }

    public Uni<Void> updateZone(SqlConnection c, Zone zone, Placement where) {
        return c.preparedQuery("""
                update zone set kind = $2, min_lat = $3, min_lon = $4, max_lat = $5, max_lon = $6, venue = $7, body = $8,
                  version = $9, deleted = $10 where zone_id = $1""")
                .execute(Tuple.from(Arrays.asList(UUID.fromString(zone.getZoneId()), zone.getDefinition().getKind().name(),
                        where.minLat(), where.minLon(), where.maxLat(), where.maxLon(), where.venue(),
                        Buffer.buffer(zone.toByteArray()), zone.getVersion(), zone.getDeleted())))
                .replaceWithVoid();
    }

    /** The zone, locked for the transaction. */
    public Uni<Optional<Zone>> lockZone(SqlConnection c, UUID zoneId) {
        return c.preparedQuery("select body from zone where zone_id = $1 for update").execute(Tuple.of(zoneId))
                .map(rows -> first(rows, PolicyRepository::zone));
    }

    public Uni<Optional<Zone>> findZone(UUID zoneId) {
        return database.preparedQuery("select body from zone where zone_id = $1").execute(Tuple.of(zoneId))
                .map(rows -> first(rows, PolicyRepository::zone));
    }

    public Uni<Void> insertGrant(SqlConnection c, Grant grant) {
        return c.preparedQuery("""
                insert into zone_grant (grant_id, zone_id, robot_id, operator_org_id, body, version, revoked)
                values ($1, $2, $3, $4, $5, $6, $7)""")
                .execute(Tuple.from(Arrays.asList(UUID.fromString(grant.getGrantId()), UUID.fromString(grant.getZoneId()),
                        emptyToNull(grant.getRobotId()), emptyToNull(grant.getOperatorOrgId()),
                        Buffer.buffer(grant.toByteArray()), grant.getVersion(), grant.getRevoked())))
                .replaceWithVoid();
    }

    public Uni<Void> updateGrant(SqlConnection c, Grant grant) {
        return c.preparedQuery("update zone_grant set body = $2, version = $3, revoked = $4 where grant_id = $1")
                .execute(Tuple.of(UUID.fromString(grant.getGrantId()), Buffer.buffer(grant.toByteArray()), grant.getVersion(),
                        grant.getRevoked()))
                .replaceWithVoid();
    }

    public Uni<Optional<Grant>> lockGrant(SqlConnection c, UUID grantId) {
        return c.preparedQuery("select body from zone_grant where grant_id = $1 for update").execute(Tuple.of(grantId))
                .map(rows -> first(rows, PolicyRepository::grant));
    }

    /** The grants of a zone that are not revoked, locked. */
    public Uni<List<Grant>> lockActiveGrantsOf(SqlConnection c, UUID zoneId) {
        return c.preparedQuery("select body from zone_grant where zone_id = $1 and not revoked for update")
                .execute(Tuple.of(zoneId)).map(rows -> all(rows, PolicyRepository::grant));
    }

    /** Every zone and grant changed after {@code version} (all of them from 0). */
    public Uni<Changes> changesSince(long version) {
        return database.preparedQuery("select body from zone where version > $1 order by version").execute(Tuple.of(version))
                .map(rows -> all(rows, PolicyRepository::zone))
                .chain(zones -> database.preparedQuery("select body from zone_grant where version > $1 order by version")
                        .execute(Tuple.of(version))
                        .map(rows -> new Changes(zones, all(rows, PolicyRepository::grant))));
    }

    /** The newest committed policy version (0 before any change). */
    public Uni<Long> currentVersion() {
        return database.query("""
                select greatest(coalesce((select max(version) from zone), 0),
                                coalesce((select max(version) from zone_grant), 0)) as v""").execute()
                .map(rows -> rows.iterator().next().getLong("v"));
    }

    public record ZoneFilter(String authority, String kind, String venue, Placement box, boolean includeDeleted) {
        public String render() {
            return "authority=" + authority + "&kind=" + kind + "&venue=" + venue + "&box=" + box + "&deleted=" + includeDeleted;
        }
    }

    /** Zones by filter, ordered by id, one more than the page. */
    public Uni<List<Zone>> listZones(ZoneFilter f, PageRequest page) {
        StringBuilder sql = new StringBuilder("select body from zone where true");
        List<Object> args = new ArrayList<>();
        if (f.authority() != null) {
            args.add(f.authority());
            sql.append(" and authority = $").append(args.size());
        }
        if (f.kind() != null) {
            args.add(f.kind());
            sql.append(" and kind = $").append(args.size());
        }
        if (f.venue() != null) {
            args.add(f.venue());
            sql.append(" and venue = $").append(args.size());
        }
        if (f.box() != null) {
            args.add(f.box().maxLat());
            sql.append(" and min_lat <= $").append(args.size());
            args.add(f.box().minLat());
            sql.append(" and max_lat >= $").append(args.size());
            args.add(f.box().maxLon());
            sql.append(" and min_lon <= $").append(args.size());
            args.add(f.box().minLon());
            sql.append(" and max_lon >= $").append(args.size());
        }
        if (!f.includeDeleted()) {
            sql.append(" and not deleted");
        }
        if (page.cursor() != null) {
            args.add(page.uuidCursor());
            sql.append(" and zone_id > $").append(args.size());
        }
        args.add(page.fetchSize());
        sql.append(" order by zone_id limit $").append(args.size());
        return database.preparedQuery(sql.toString()).execute(Tuple.from(args)).map(rows -> all(rows, PolicyRepository::zone));
    }

    /**
     * Grants of a zone, or to a robot or its operator, ordered by id, one more than the page.
     *
     * @param zoneIds when not null, only grants into these zones (a zone authority's own)
     */
    public Uni<List<Grant>> listGrants(UUID zoneId, String robotId, String operatorOrgId, boolean includeRevoked,
            List<UUID> zoneIds, PageRequest page) {
        StringBuilder sql = new StringBuilder("select g.body from zone_grant g where true");
        List<Object> args = new ArrayList<>();
        if (zoneId != null) {
            args.add(zoneId);
            sql.append(" and g.zone_id = $").append(args.size());
        }
        if (robotId != null) {
            args.add(robotId);
            sql.append(" and (g.robot_id = $").append(args.size());
            if (operatorOrgId != null) {
                args.add(operatorOrgId);
                sql.append(" or g.operator_org_id = $").append(args.size());
            }
            sql.append(")");
        }
        if (zoneIds != null) {
            args.add(zoneIds.toArray(UUID[]::new));
            sql.append(" and g.zone_id = any($").append(args.size()).append(")");
        }
        if (!includeRevoked) {
            sql.append(" and not g.revoked");
        }
        if (page.cursor() != null) {
            args.add(page.uuidCursor());
            sql.append(" and g.grant_id > $").append(args.size());
        }
        args.add(page.fetchSize());
        sql.append(" order by g.grant_id limit $").append(args.size());
        return database.preparedQuery(sql.toString()).execute(Tuple.from(args)).map(rows -> all(rows, PolicyRepository::grant));
    }

    /** Ids of the zones an authority owns. */
    public Uni<List<UUID>> zonesOf(String authority) {
        return database.preparedQuery("select zone_id from zone where authority = $1").execute(Tuple.of(authority))
                .map(rows -> {
                    List<UUID> out = new ArrayList<>();
                    rows.forEach(r -> out.add(r.getUUID("zone_id")));
                    return out;
                });
    }

    static Zone zone(Row row) {
        try {
            return Zone.parseFrom(row.getBuffer("body").getBytes());
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("a stored zone cannot be read", e);
        }
    }

    static Grant grant(Row row) {
        try {
            return Grant.parseFrom(row.getBuffer("body").getBytes());
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("a stored grant cannot be read", e);
        }
    }

    private static <T> Optional<T> first(RowSet<Row> rows, java.util.function.Function<Row, T> map) {
        var it = rows.iterator();
        return it.hasNext() ? Optional.of(map.apply(it.next())) : Optional.empty();
    }

    private static <T> List<T> all(RowSet<Row> rows, java.util.function.Function<Row, T> map) {
        List<T> out = new ArrayList<>();
        rows.forEach(r -> out.add(map.apply(r)));
        return out;
    }

    static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    public Pool pool() {
        return database;
    }

    /** For callers running outside a transaction. */
    public SqlClient client() {
        return database;
    }
}
