package io.robotid.lifecycle.repository;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;

import io.robotid.kit.id.RobotId;
import io.robotid.lifecycle.domain.EventChain;
import io.robotid.proto.lifecycle.v1.EventType;
import io.robotid.proto.lifecycle.v1.LifecycleEvent;
import io.robotid.proto.lifecycle.v1.RobotState;
import io.robotid.proto.lifecycle.v1.RobotStatus;
import io.robotid.proto.lifecycle.v1.WatchStatusChangesResponse;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Robots, their chains and the status feed, on the reactive SQL client: appends lock the robot's
 * row ({@code FOR UPDATE}) so a chain never forks, and feed appends take an advisory lock so the
 * feed's numbers follow commit order.
 */
@ApplicationScoped
public class RobotRepository {
    /** Advisory lock key that orders status feed appends. */
    private static final long FEED_LOCK = 0x726F626F74L;

    /** A robot's row as an append needs it. */
    public record LockedRobot(RobotState state, RobotStatus statusBeforeSuspension, String lastHash) {
    }

    private final Pool database;

    public RobotRepository(Pool database) {
        this.database = database;
    }

    public Pool database() {
        return database;
    }

    /** Creates the robot's row if this is its first event, then locks it. */
    public Uni<LockedRobot> lockOrCreate(SqlConnection connection, RobotId id, Instant now) {
        RobotState fresh = RobotState.newBuilder().setRobotId(id.canonical())
                .setStatus(RobotStatus.ROBOT_STATUS_REGISTERED).build();
        return connection.preparedQuery("""
                insert into robot (robot_id, manufacturer_code, model_code, status, last_sequence, last_hash, state, updated_at)
                values ($1, $2, $3, $4, 0, $5, $6, $7) on conflict (robot_id) do nothing""")
                .execute(Tuple.from(List.of(id.canonical(), id.manufacturerCode(), id.modelCode(), fresh.getStatus().name(),
                        EventChain.GENESIS, Buffer.buffer(fresh.toByteArray()), now.atOffset(ZoneOffset.UTC))))
                .chain(() -> connection.preparedQuery(
                        "select state, status_before_suspension, last_hash from robot where robot_id = $1 for update")
                        .execute(Tuple.of(id.canonical())))
                .map(rows -> {
                    Row row = rows.iterator().next();
                    String before = row.getString("status_before_suspension");
                    return new LockedRobot(parseState(row.getBuffer("state").getBytes()),
                            before == null ? null : RobotStatus.valueOf(before), row.getString("last_hash"));
                });
    }

    public Uni<Void> append(SqlConnection connection, LifecycleEvent event, RobotState after,
            RobotStatus statusBeforeSuspension, Instant now) {
        return connection.preparedQuery("""
                insert into event (robot_id, sequence, type, occurred_at, previous_hash, hash, body)
                values ($1, $2, $3, $4, $5, $6, $7)""")
                .execute(Tuple.from(List.of(event.getRobotId(), event.getSequence(), event.getType().name(),
                        offset(event.getOccurredAt()), event.getPreviousHash(), event.getHash(),
                        Buffer.buffer(event.toByteArray()))))
                .chain(() -> connection.preparedQuery("""
                        update robot set status = $2, status_before_suspension = $3, last_sequence = $4, last_hash = $5,
                            owner_org_id = $6, operator_org_id = $7, firmware_version = $8, ai_model_version = $9,
                            state = $10, updated_at = $11, maintenance_due = $12
                        where robot_id = $1""")
                        .execute(Tuple.from(java.util.Arrays.asList(event.getRobotId(), after.getStatus().name(),
                                statusBeforeSuspension == null ? null : statusBeforeSuspension.name(), event.getSequence(),
                                event.getHash(), after.getOwnerOrgId(), after.getOperatorOrgId(), after.getFirmwareVersion(),
                                after.getAiModelVersion(), Buffer.buffer(after.toByteArray()), now.atOffset(ZoneOffset.UTC),
                                after.getMaintenanceDue()))))
                .chain(() -> componentsChanged(event) ? replaceComponents(connection, after) : Uni.createFrom().voidItem())
                .chain(() -> afterEffects(connection, event))
                .replaceWithVoid();
    }

    /** Columns that only some events change: production date, a recall remedied. */
    private Uni<Void> afterEffects(SqlConnection connection, LifecycleEvent event) {
        if (event.getType() == EventType.EVENT_TYPE_PRODUCED) {
            return connection.preparedQuery("update robot set production_date = $2::date where robot_id = $1")
                    .execute(Tuple.of(event.getRobotId(), java.time.LocalDate.parse(event.getPayload().getProduced().getBuildDate())))
                    .replaceWithVoid();
        }
        if (event.getType() == EventType.EVENT_TYPE_RECALL_REMEDIED) {
            return connection.preparedQuery("update recall_robot set remedied_at = $3"
                    + " where campaign_id::text = $1 and robot_id = $2 and remedied_at is null")
                    .execute(Tuple.of(event.getPayload().getRecallRemedied().getCampaignId(), event.getRobotId(),
                            offset(event.getOccurredAt())))
                    .replaceWithVoid();
        }
        return Uni.createFrom().voidItem();
    }

    private static boolean componentsChanged(LifecycleEvent event) {
        return event.getType() == EventType.EVENT_TYPE_PRODUCED || event.getType() == EventType.EVENT_TYPE_COMPONENT_REPLACED;
    }

    private Uni<Void> replaceComponents(SqlConnection connection, RobotState after) {
        List<Tuple> rows = after.getComponentsList().stream()
                .map(c -> Tuple.of(after.getRobotId(), c.getPartNumber(), c.getLot(), c.getSerial())).toList();
        Uni<Void> cleared = connection.preparedQuery("delete from robot_component where robot_id = $1")
                .execute(Tuple.of(after.getRobotId())).replaceWithVoid();
        return rows.isEmpty() ? cleared : cleared.chain(() -> connection.preparedQuery(
                "insert into robot_component (robot_id, part_number, lot, serial) values ($1, $2, $3, $4)")
                .executeBatch(rows).replaceWithVoid());
    }

    /** What FindRobots filters on; empty strings and nulls mean any. */
    public record Criteria(String modelCode, String status, String operatorOrgId, String firmwareVersion,
            String aiModelVersion, String partNumber, List<String> lots, String manufacturerCode, String orgId) {
    }

    /** One page of robots matching every criterion, in ID order, after {@code afterRobotId}. */
    public Uni<List<RobotState>> find(Criteria c, String afterRobotId, int limit) {
        return database.preparedQuery("""
                select r.state from robot r
                where r.robot_id > $1
                  and ($2 = '' or r.model_code = $2) and ($3 = '' or r.status = $3)
                  and ($4 = '' or r.operator_org_id = $4) and ($5 = '' or r.firmware_version = $5)
                  and ($6 = '' or r.ai_model_version = $6)
                  and ($7 = '' or exists (select 1 from robot_component c where c.robot_id = r.robot_id
                        and c.part_number = $7 and (cardinality($8::text[]) = 0 or c.lot = any($8::text[]))))
                  and ($9 = '' or r.manufacturer_code = $9)
                  and ($10 = '' or r.owner_org_id = $10 or r.operator_org_id = $10)
                order by r.robot_id limit $11""")
                .execute(Tuple.from(java.util.Arrays.asList(afterRobotId == null ? "" : afterRobotId, c.modelCode(),
                        c.status(), c.operatorOrgId(), c.firmwareVersion(), c.aiModelVersion(), c.partNumber(),
                        c.lots().toArray(new String[0]), c.manufacturerCode(), c.orgId(), limit)))
                .map(rows -> {
                    List<RobotState> out = new ArrayList<>();
                    rows.forEach(row -> out.add(parseState(row.getBuffer("state").getBytes())));
                    return out;
                });
    }

    /** Appends a status change to the feed, in commit order. */
    public Uni<Void> appendFeed(SqlConnection connection, RobotState after, EventType cause, Instant changedAt) {
        return connection.preparedQuery("select pg_advisory_xact_lock($1)").execute(Tuple.of(FEED_LOCK))
                .chain(() -> connection.preparedQuery("""
                        insert into status_feed (robot_id, status, suspended, open_stop_use_recalls, cause, changed_at)
                        values ($1, $2, $3, $4, $5, $6)""")
                        .execute(Tuple.from(List.of(after.getRobotId(), after.getStatus().name(),
                                after.getStatus() == RobotStatus.ROBOT_STATUS_SUSPENDED,
                                after.getOpenStopUseRecallsList().toArray(new String[0]), cause.name(),
                                changedAt.atOffset(ZoneOffset.UTC)))))
                .replaceWithVoid();
    }

    public Uni<Optional<RobotState>> state(RobotId id) {
        return database.preparedQuery("select state from robot where robot_id = $1").execute(Tuple.of(id.canonical()))
                .map(rows -> rows.size() == 0 ? Optional.empty()
                        : Optional.of(parseState(rows.iterator().next().getBuffer("state").getBytes())));
    }

    /** One page of a robot's events after {@code afterSequence}, optionally of some types and a time range. */
    public Uni<List<LifecycleEvent>> events(RobotId id, List<String> types, Instant from, Instant to, long afterSequence,
            int limit) {
        return database.preparedQuery("""
                select body from event where robot_id = $1 and sequence > $2
                  and (cardinality($3::text[]) = 0 or type = any($3::text[]))
                  and ($4::timestamptz is null or occurred_at >= $4) and ($5::timestamptz is null or occurred_at < $5)
                order by sequence limit $6""")
                .execute(Tuple.from(java.util.Arrays.asList(id.canonical(), afterSequence, types.toArray(new String[0]),
                        from == null ? null : from.atOffset(ZoneOffset.UTC), to == null ? null : to.atOffset(ZoneOffset.UTC),
                        limit)))
                .map(rows -> {
                    List<LifecycleEvent> out = new ArrayList<>();
                    rows.forEach(row -> out.add(parseEvent(row.getBuffer("body").getBytes())));
                    return out;
                });
    }

    /** The stored chain rows: sequence, stored hash and body, in order, for verification. */
    public record ChainRow(long sequence, String hash, byte[] body) {
    }

    public Uni<List<ChainRow>> chain(RobotId id, long afterSequence, int limit) {
        return database.preparedQuery(
                "select sequence, hash, body from event where robot_id = $1 and sequence > $2 order by sequence limit $3")
                .execute(Tuple.of(id.canonical(), afterSequence, limit))
                .map(rows -> {
                    List<ChainRow> out = new ArrayList<>();
                    rows.forEach(row -> out.add(new ChainRow(row.getLong("sequence"), row.getString("hash"),
                            row.getBuffer("body").getBytes())));
                    return out;
                });
    }

    public Uni<List<WatchStatusChangesResponse>> feedAfter(long feedSequence, int limit) {
        return database.preparedQuery("""
                select feed_sequence, robot_id, status, suspended, open_stop_use_recalls, cause, changed_at
                from status_feed where feed_sequence > $1 order by feed_sequence limit $2""")
                .execute(Tuple.of(feedSequence, limit))
                .map(rows -> {
                    List<WatchStatusChangesResponse> out = new ArrayList<>();
                    for (Row row : rows) {
                        OffsetDateTime at = row.getOffsetDateTime("changed_at");
                        out.add(WatchStatusChangesResponse.newBuilder()
                                .setFeedSequence(row.getLong("feed_sequence"))
                                .setRobotId(row.getString("robot_id"))
                                .setStatus(RobotStatus.valueOf(row.getString("status")))
                                .setSuspended(row.getBoolean("suspended"))
                                .addAllOpenStopUseRecalls(List.of(row.getArrayOfStrings("open_stop_use_recalls")))
                                .setCause(EventType.valueOf(row.getString("cause")))
                                .setChangedAt(Timestamp.newBuilder().setSeconds(at.toEpochSecond()).setNanos(at.getNano()))
                                .build());
                    }
                    return out;
                });
    }

    private static OffsetDateTime offset(Timestamp t) {
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos()).atOffset(ZoneOffset.UTC);
    }

    public static LifecycleEvent parseEvent(byte[] body) {
        try {
            return LifecycleEvent.parseFrom(body);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("stored event is unreadable", e);
        }
    }

    private static RobotState parseState(byte[] bytes) {
        try {
            return RobotState.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("stored robot state is unreadable", e);
        }
    }
}
