package io.robotid.geofence.repository;

import io.robotid.evidence.codec.Hex;
import io.robotid.evidence.codec.Sha256;
import io.robotid.evidence.format.Denials;

import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.google.protobuf.InvalidProtocolBufferException;

import io.robotid.geofence.domain.ZoneDefinitions;
import io.robotid.proto.geofence.v1.Denial;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/** The audit log of denied checks. */
@ApplicationScoped
public class DenialRepository {
    private final Pool database;

    public DenialRepository(Pool database) {
        this.database = database;
    }

    /** Writes denials with one statement (arrays unnested), each sealed (EVIDENCE.md 8.7). */
    public Uni<Void> insertAll(List<Denial> denials) {
        int n = denials.size();
        String[] robots = new String[n];
        String[] zones = new String[n];
        String[] organisations = new String[n];
        java.time.OffsetDateTime[] decided = new java.time.OffsetDateTime[n];
        Buffer[] bodies = new Buffer[n];
        String[] seals = new String[n];
        for (int i = 0; i < n; i++) {
            Denial d = denials.get(i);
            byte[] body = d.toByteArray();
            robots[i] = d.getRobotId();
            // text[][] of ragged rows is not possible: each row's zone ids (UUIDs) travel as one space-joined string
            zones[i] = String.join(" ", d.getMatchedZoneIdsList());
            organisations[i] = d.getOrganisation();
            decided[i] = ZoneDefinitions.instant(true, d.getDecidedAt()).atOffset(ZoneOffset.UTC);
            bodies[i] = Buffer.buffer(body);
            seals[i] = Hex.of(Sha256.of(Denials.encode(body)));
        }
        return database.preparedQuery("""
                insert into denial (robot_id, zone_ids, organisation, decided_at, body, record_hash)
                select robot_id, coalesce(string_to_array(nullif(zones, ''), ' '), '{}')::text[], organisation, decided_at,
                       body, record_hash
                from unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::bytea[], $6::text[])
                     as u(robot_id, zones, organisation, decided_at, body, record_hash)""")
                .execute(Tuple.from(List.<Object>of(robots, zones, organisations, decided, bodies, seals)))
                .replaceWithVoid();
    }

    /** A denial row as stored, for verification. */
    public record StoredDenial(long id, String robotId, List<String> zoneIds, String organisation, java.time.Instant decidedAt,
            byte[] body, String recordHash) {
    }

    /** A page of denial rows after {@code afterId}, in id order. */
    public Uni<List<StoredDenial>> stored(long afterId, int limit) {
        return database.preparedQuery("""
                select denial_id, robot_id, zone_ids, organisation, decided_at, body, record_hash from denial
                where denial_id > $1 order by denial_id limit $2""").execute(Tuple.of(afterId, limit))
                .map(rows -> {
                    List<StoredDenial> out = new ArrayList<>();
                    for (Row r : rows) {
                        out.add(new StoredDenial(r.getLong("denial_id"), r.getString("robot_id"),
                                List.of(r.getArrayOfStrings("zone_ids")), r.getString("organisation"),
                                r.getOffsetDateTime("decided_at").toInstant(), r.getBuffer("body").getBytes(),
                                r.getString("record_hash")));
                    }
                    return out;
                });
    }

    /** Denials stored before they were sealed (EVIDENCE.md section 10). Answers how many it sealed. */
    public Uni<Integer> sealUnsealed(io.vertx.mutiny.sqlclient.SqlConnection c) {
        return c.query("select denial_id, body from denial where record_hash is null").execute().chain(rows -> {
            List<Tuple> updates = new ArrayList<>();
            rows.forEach(r -> updates.add(Tuple.of(r.getLong("denial_id"),
                    Hex.of(Sha256.of(Denials.encode(r.getBuffer("body").getBytes()))))));
            return updates.isEmpty() ? Uni.createFrom().item(0)
                    : c.preparedQuery("update denial set record_hash = $2 where denial_id = $1").executeBatch(updates)
                            .replaceWith(updates.size());
        });
    }

    /** Denials, newest first, after a cursor (a denial id), filtered; one more than the page. */
    public Uni<List<Long>> ids(List<Denial> out, String robotId, String zoneId, String organisation, List<String> zoneIds,
            Long before, int limit) {
        StringBuilder sql = new StringBuilder("select denial_id, body from denial where true");
        List<Object> args = new ArrayList<>();
        if (robotId != null) {
            args.add(robotId);
            sql.append(" and robot_id = $").append(args.size());
        }
        if (zoneId != null) {
            args.add(new String[] {zoneId});
            sql.append(" and zone_ids @> $").append(args.size());
        }
        if (zoneIds != null) {
            args.add(zoneIds.toArray(String[]::new));
            sql.append(" and zone_ids && $").append(args.size());
        }
        if (organisation != null) {
            args.add(organisation);
            sql.append(" and organisation = $").append(args.size());
        }
        if (before != null) {
            args.add(before);
            sql.append(" and denial_id < $").append(args.size());
        }
        args.add(limit);
        sql.append(" order by denial_id desc limit $").append(args.size());
        return database.preparedQuery(sql.toString()).execute(Tuple.from(args)).map(rows -> {
            List<Long> ids = new ArrayList<>();
            for (Row r : rows) {
                ids.add(r.getLong("denial_id"));
                try {
                    out.add(Denial.parseFrom(r.getBuffer("body").getBytes()));
                } catch (InvalidProtocolBufferException e) {
                    throw new IllegalStateException("a stored denial cannot be read", e);
                }
            }
            return ids;
        });
    }
}
