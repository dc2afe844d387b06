package io.robotid.geofence.repository;

import io.robotid.evidence.codec.Hex;
import io.robotid.evidence.codec.Sha256;
import io.robotid.evidence.format.ZonePolicy;

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
import io.robotid.kit.tlog.TransparencyLog;
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

    private final Pool database;

    private final TransparencyLog log;

    public PolicyRepository(Pool database, TransparencyLog log) {
        this.database = database;
        this.log = log;
    }

    /** Locks the policy for this transaction and takes the next version. */
    public Uni<Long> nextVersion(SqlConnection c) {
        return c.preparedQuery("select pg_advisory_xact_lock($1)").execute(Tuple.of(POLICY_LOCK))
                .chain(() -> c.query("select nextval('policy_version') as v").execute())
                .map(rows -> rows.iterator().next().getLong("v"));
    }

    public Uni<Void> insertZone(SqlConnection c, Zone zone, Placement where) {
        return appendChange(c, zone.getVersion(), ZonePolicy.ZONE, zone.getZoneId(), zone.toByteArray())
                .chain(() -> c.preparedQuery("""
                insert into zone (zone_id, authority, kind, min_lat, min_lon, max_lat, max_lon, venue, body, version, deleted)
                values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, false)""")
                .execute(Tuple.from(Arrays.asList(UUID.fromString(zone.getZoneId()), zone.getAuthority(),
                        zone.getDefinition().getKind().name(), where.minLat(), where.minLon(), where.maxLat(), where.maxLon(),
                        where.venue(), Buffer.buffer(zone.toByteArray()), zone.getVersion()))))
                .replaceWithVoid();
    }

    public Uni<Void> updateZone(SqlConnection c, Zone zone, Placement where) {
        return appendChange(c, zone.getVersion(), ZonePolicy.ZONE, zone.getZoneId(), zone.toByteArray())
                .chain(() -> c.preparedQuery("""
                update zone set kind = $2, min_lat = $3, min_lon = $4, max_lat = $5, max_lon = $6, venue = $7, body = $8,
                  version = $9, deleted = $10 where zone_id = $1""")
                .execute(Tuple.from(Arrays.asList(UUID.fromString(zone.getZoneId()), zone.getDefinition().getKind().name(),
                        where.minLat(), where.minLon(), where.maxLat(), where.maxLon(), where.venue(),
                        Buffer.buffer(zone.toByteArray()), zone.getVersion(), zone.getDeleted()))))
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
        return appendChange(c, grant.getVersion(), ZonePolicy.GRANT, grant.getGrantId(), grant.toByteArray())
                .chain(() -> c.preparedQuery("""
                insert into zone_grant (grant_id, zone_id, robot_id, operator_org_id, body, version, revoked)
                values ($1, $2, $3, $4, $5, $6, $7)""")
                .execute(Tuple.from(Arrays.asList(UUID.fromString(grant.getGrantId()), UUID.fromString(grant.getZoneId()),
                        emptyToNull(grant.getRobotId()), emptyToNull(grant.getOperatorOrgId()),
                        Buffer.buffer(grant.toByteArray()), grant.getVersion(), grant.getRevoked()))))
                .replaceWithVoid();
    }

    public Uni<Void> updateGrant(SqlConnection c, Grant grant) {
        return appendChange(c, grant.getVersion(), ZonePolicy.GRANT, grant.getGrantId(), grant.toByteArray())
                .chain(() -> c.preparedQuery("update zone_grant set body = $2, version = $3, revoked = $4 where grant_id = $1")
                .execute(Tuple.of(UUID.fromString(grant.getGrantId()), Buffer.buffer(grant.toByteArray()), grant.getVersion(),
                        grant.getRevoked())))
                .replaceWithVoid();
    }

    /** One change of the policy log as stored. */
    public record StoredChange(long seq, long version, String kind, String entityId, byte[] body, String previousHash,
            String hash) {
        public byte[] sealed() {
            return ZonePolicy.encode(new ZonePolicy.Change(seq, version, Hex.digestOrNull(previousHash) == null ? new byte[32]
                    : Hex.parse(previousHash), kind, entityId, body));
        }
    }

    /**
     * Appends a change to the policy log, sealed and linked to the last one (EVIDENCE.md section 7). Runs
     * under the policy's advisory lock (taken by {@link #nextVersion}), so the log grows in one order.
     */
    public Uni<Void> appendChange(SqlConnection c, long version, String kind, String entityId, byte[] body) {
        return c.query("select seq, hash from policy_change order by seq desc limit 1").execute().chain(rows -> {
            long seq = rows.size() == 0 ? 1 : rows.iterator().next().getLong("seq") + 1;
            String previous = rows.size() == 0 ? ZERO : rows.iterator().next().getString("hash");
            String hash = Hex.of(Sha256.of(ZonePolicy.encode(new ZonePolicy.Change(seq, version, Hex.parse(previous), kind,
                    entityId, body))));
            return c.preparedQuery("""
                    insert into policy_change (seq, version, kind, entity_id, body, previous_hash, hash)
                    values ($1, $2, $3, $4, $5, $6, $7)""")
                    .execute(Tuple.from(List.of(seq, version, kind, UUID.fromString(entityId), Buffer.buffer(body), previous,
                            hash)))
                    // and into the transparency log, in the same transaction
                    .chain(() -> log.append(c, new TransparencyLog.Leaf(LOG_KIND, "policy/" + seq, Hex.parse(hash))));
        });
    }

    static final String ZERO = "0".repeat(64);
    /** The kind of a policy change's leaf in geofence-service's transparency log (EVIDENCE.md section 11). */
    public static final String LOG_KIND = "zone-policy";

    /** A page of the policy log after {@code afterSeq}, in order. */
    public Uni<List<StoredChange>> changesAfter(long afterSeq, int limit) {
        return database.preparedQuery("""
                select seq, version, kind, entity_id, body, previous_hash, hash from policy_change
                where seq > $1 order by seq limit $2""").execute(Tuple.of(afterSeq, limit))
                .map(rows -> {
                    List<StoredChange> out = new ArrayList<>();
                    for (Row r : rows) {
                        out.add(new StoredChange(r.getLong("seq"), r.getLong("version"), r.getString("kind"),
                                r.getUUID("entity_id").toString(), r.getBuffer("body").getBytes(), r.getString("previous_hash"),
                                r.getString("hash")));
                    }
                    return out;
                });
    }

    /** A zone row as stored, every column, for verification. */
    public record StoredZone(String zoneId, String authority, String kind, Double minLat, Double minLon, Double maxLat,
            Double maxLon, String venue, byte[] body, long version, boolean deleted) {
    }

    public Uni<List<StoredZone>> storedZones() {
        return database.query("select * from zone").execute().map(rows -> {
            List<StoredZone> out = new ArrayList<>();
            for (Row r : rows) {
                out.add(new StoredZone(r.getUUID("zone_id").toString(), r.getString("authority"), r.getString("kind"),
                        r.getDouble("min_lat"), r.getDouble("min_lon"), r.getDouble("max_lat"), r.getDouble("max_lon"),
                        r.getString("venue"), r.getBuffer("body").getBytes(), r.getLong("version"), r.getBoolean("deleted")));
            }
            return out;
        });
    }

    /** A grant row as stored, every column, for verification. */
    public record StoredGrant(String grantId, String zoneId, String robotId, String operatorOrgId, byte[] body, long version,
            boolean revoked) {
    }

    public Uni<List<StoredGrant>> storedGrants() {
        return database.query("select * from zone_grant").execute().map(rows -> {
            List<StoredGrant> out = new ArrayList<>();
            for (Row r : rows) {
                out.add(new StoredGrant(r.getUUID("grant_id").toString(), r.getUUID("zone_id").toString(),
                        r.getString("robot_id"), r.getString("operator_org_id"), r.getBuffer("body").getBytes(),
                        r.getLong("version"), r.getBoolean("revoked")));
            }
            return out;
        });
    }

    /**
     * Seals zones and grants stored before the policy log existed (EVIDENCE.md section 10): each row becomes
     * a change of the log, in version order (zones before grants of the same version). Answers how many.
     */
    public Uni<Integer> sealUnlogged(SqlConnection c) {
        return c.preparedQuery("select pg_advisory_xact_lock($1)").execute(Tuple.of(POLICY_LOCK))
                .chain(() -> c.query("select count(*) as n from policy_change").execute())
                .chain(count -> count.iterator().next().getLong("n") > 0 ? Uni.createFrom().item(0) : c.query("""
                        select 'ZONE' as kind, zone_id as id, body, version from zone
                        union all select 'GRANT', grant_id, body, version from zone_grant
                        order by version, kind desc, id""").execute().chain(rows -> {
                            Uni<Void> chain = Uni.createFrom().voidItem();
                            int n = 0;
                            for (Row r : rows) {
                                String kind = r.getString("kind");
                                String id = r.getUUID("id").toString();
                                byte[] body = r.getBuffer("body").getBytes();
                                long version = r.getLong("version");
                                chain = chain.chain(() -> appendChange(c, version, kind, id, body));
                                n++;
                            }
                            int total = n;
                            return chain.replaceWith(total);
                        }));
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
