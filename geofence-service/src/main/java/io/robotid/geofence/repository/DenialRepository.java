package io.robotid.geofence.repository;

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

    public Uni<Void> insertAll(List<Denial> denials) {
        List<Tuple> rows = new ArrayList<>(denials.size());
        for (Denial d : denials) {
            rows.add(Tuple.of(d.getRobotId(), d.getMatchedZoneIdsList().toArray(String[]::new), d.getOrganisation(),
                    ZoneDefinitions.instant(true, d.getDecidedAt()).atOffset(ZoneOffset.UTC), Buffer.buffer(d.toByteArray())));
        }
        return database.preparedQuery("""
                insert into denial (robot_id, zone_ids, organisation, decided_at, body) values ($1, $2, $3, $4, $5)""")
                .executeBatch(rows).replaceWithVoid();
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
