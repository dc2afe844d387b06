package io.robotid.lifecycle.repository;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;

import io.robotid.kit.id.RobotId;
import io.robotid.evidence.codec.RecordReader.MalformedRecord;
import io.robotid.kit.error.DomainException;
import io.robotid.lifecycle.domain.EventChain;
import io.robotid.lifecycle.domain.FeedEntries;
import io.robotid.proto.lifecycle.v1.ConfigurationChange;
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

    // robot_id columns are char(29): arrays of them are bound as bpchar[], since comparing with
    // text[] casts the column and loses its index.

    /**
     * Creates the rows of robots that have no event yet, then locks every row of {@code ids}, in ID
     * order (so two batches touching the same robots wait for each other instead of deadlocking).
     */
    public Uni<Map<String, LockedRobot>> lockAll(SqlConnection connection, Collection<String> ids, Instant now) {
        String[] sorted = new TreeSet<>(ids).toArray(new String[0]);
        int n = sorted.length;
        String[] manufacturers = new String[n];
        String[] models = new String[n];
        Buffer[] fresh = new Buffer[n];
        for (int i = 0; i < n; i++) {
            RobotId id = RobotId.of(sorted[i]);
            manufacturers[i] = id.manufacturerCode();
            models[i] = id.modelCode();
            fresh[i] = Buffer.buffer(RobotState.newBuilder().setRobotId(sorted[i])
                    .setStatus(RobotStatus.ROBOT_STATUS_REGISTERED).build().toByteArray());
        }
        // Both statements go out together (pipelined; the connection runs them in order).
        Uni<Void> created = connection.preparedQuery("""
                insert into robot (robot_id, manufacturer_code, model_code, status, last_sequence, last_hash, state, updated_at)
                select u.robot_id, u.manufacturer_code, u.model_code, 'ROBOT_STATUS_REGISTERED', 0, $4, u.state, $5
                from unnest($1::text[], $2::text[], $3::text[], $6::bytea[]) as u(robot_id, manufacturer_code, model_code, state)
                order by u.robot_id
                on conflict (robot_id) do nothing""")
                .execute(Tuple.from(List.<Object>of(sorted, manufacturers, models, EventChain.GENESIS,
                        now.atOffset(ZoneOffset.UTC), fresh)))
                .replaceWithVoid();
        Uni<io.vertx.mutiny.sqlclient.RowSet<Row>> lockedRows = connection.preparedQuery("""
                select robot_id, state, status_before_suspension, last_hash from robot
                where robot_id = any($1::bpchar[]) order by robot_id for update""")
                .execute(Tuple.of(sorted));
        return Uni.combine().all().unis(created, lockedRows).asTuple().map(done -> done.getItem2())
                .map(rows -> {
                    Map<String, LockedRobot> locked = new HashMap<>();
                    for (Row row : rows) {
                        String before = row.getString("status_before_suspension");
                        locked.put(row.getString("robot_id"), new LockedRobot(parseState(row.getBuffer("state").getBytes()),
                                before == null ? null : RobotStatus.valueOf(before), row.getString("last_hash")));
                    }
                    return locked;
                });
    }

    /** Which of these robots are in the record (have had an event). */
    public Uni<Set<String>> recorded(List<String> ids) {
        return database.preparedQuery("select robot_id from robot where robot_id = any($1::bpchar[])")
                .execute(Tuple.of(ids.toArray(new String[0])))
                .map(rows -> {
                    Set<String> out = new java.util.HashSet<>();
                    rows.forEach(row -> out.add(row.getString("robot_id")));
                    return out;
                });
    }

    /** One sealed event and the robot as it stands after it. */
    public record Appended(LifecycleEvent event, RobotState after, RobotStatus statusBeforeSuspension,
            WatchStatusChangesResponse feedEntry) {
    }

    /**
     * Stores sealed events and what follows from them, a statement per kind of row rather than per
     * event: the events, each robot's final projection, its components (when parts changed), the
     * production dates, remedied recalls, and the feed entries (in order, under the feed lock).
     */
    public Uni<Void> appendAll(SqlConnection connection, List<Appended> appended, Instant now) {
        if (appended.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        OffsetDateTime at = now.atOffset(ZoneOffset.UTC);
        Map<String, Appended> last = new LinkedHashMap<>();
        Set<String> componentsChanged = new TreeSet<>();
        List<Object[]> produced = new ArrayList<>();
        List<Object[]> remedied = new ArrayList<>();
        List<Appended> feed = new ArrayList<>();
        for (Appended a : appended) {
            LifecycleEvent e = a.event();
            last.put(e.getRobotId(), a);
            if (e.getType() == EventType.EVENT_TYPE_PRODUCED || e.getType() == EventType.EVENT_TYPE_COMPONENT_REPLACED) {
                componentsChanged.add(e.getRobotId());
            }
            if (e.getType() == EventType.EVENT_TYPE_PRODUCED) {
                produced.add(new Object[] { e.getRobotId(), LocalDate.parse(e.getPayload().getProduced().getBuildDate()) });
            }
            if (e.getType() == EventType.EVENT_TYPE_RECALL_REMEDIED) {
                remedied.add(new Object[] { e.getPayload().getRecallRemedied().getCampaignId(), e.getRobotId(),
                        offset(e.getOccurredAt()) });
            }
            if (a.feedEntry() != null) {
                feed.add(a);
            }
        }
        // Every statement goes out at once, pipelined: the connection runs them in this order, so the
        // components are deleted before they are inserted again, and the feed's steps follow each other.
        List<Uni<Void>> writes = new ArrayList<>();
        writes.add(insertEvents(connection, appended));
        writes.add(updateRobots(connection, last.values()));
        if (!componentsChanged.isEmpty()) {
            writes.add(replaceComponents(connection, componentsChanged, last));
        }
        if (!produced.isEmpty()) {
            writes.add(connection.preparedQuery("""
                    update robot r set production_date = u.d
                    from unnest($1::bpchar[], $2::date[]) as u(robot_id, d) where r.robot_id = u.robot_id""")
                    .execute(Tuple.of(column(produced, 0, String.class), column(produced, 1, LocalDate.class)))
                    .replaceWithVoid());
        }
        if (!remedied.isEmpty()) {
            writes.add(connection.preparedQuery("""
                    update recall_robot r set remedied_at = u.at
                    from unnest($1::text[], $2::bpchar[], $3::timestamptz[]) as u(campaign_id, robot_id, at)
                    where r.campaign_id = u.campaign_id::uuid and r.robot_id = u.robot_id and r.remedied_at is null""")
                    .execute(Tuple.of(column(remedied, 0, String.class), column(remedied, 1, String.class),
                            column(remedied, 2, OffsetDateTime.class)))
                    .replaceWithVoid());
        }
        if (!feed.isEmpty()) {
            writes.add(appendFeed(connection, feed));
        }
        return Uni.combine().all().unis(writes).discardItems();
    }

    private static Uni<Void> insertEvents(SqlConnection connection, List<Appended> appended) {
        int n = appended.size();
        String[] robots = new String[n];
        Long[] sequences = new Long[n];
        String[] types = new String[n];
        OffsetDateTime[] occurred = new OffsetDateTime[n];
        String[] previous = new String[n];
        String[] hashes = new String[n];
        Buffer[] bodies = new Buffer[n];
        Buffer[] payloads = new Buffer[n];
        Buffer[] payloadSalts = new Buffer[n];
        String[] subjects = new String[n];
        String[] organisations = new String[n];
        Buffer[] recorderSalts = new Buffer[n];
        for (int i = 0; i < n; i++) {
            LifecycleEvent e = appended.get(i).event();
            EventChain.Stored stored = EventChain.stored(e);
            robots[i] = e.getRobotId();
            sequences[i] = e.getSequence();
            types[i] = e.getType().name();
            occurred[i] = offset(e.getOccurredAt());
            previous[i] = e.getPreviousHash();
            hashes[i] = e.getHash();
            bodies[i] = Buffer.buffer(stored.body());
            payloads[i] = Buffer.buffer(stored.payload());
            payloadSalts[i] = Buffer.buffer(stored.payloadSalt());
            subjects[i] = stored.recorderSubject();
            organisations[i] = stored.recorderOrganisation();
            recorderSalts[i] = Buffer.buffer(stored.recorderSalt());
        }
        return connection.preparedQuery("""
                insert into event (robot_id, sequence, type, occurred_at, previous_hash, hash, body, seal_version, payload,
                                   payload_salt, recorder_subject, recorder_organisation, recorder_salt)
                select robot_id, seq, type, occurred_at, previous_hash, hash, body, 2, payload, payload_salt, subject,
                       organisation, recorder_salt
                from unnest($1::text[], $2::bigint[], $3::text[], $4::timestamptz[], $5::text[], $6::text[], $7::bytea[],
                            $8::bytea[], $9::bytea[], $10::text[], $11::text[], $12::bytea[])
                     as u(robot_id, seq, type, occurred_at, previous_hash, hash, body, payload, payload_salt, subject,
                          organisation, recorder_salt)""")
                .execute(Tuple.from(List.<Object>of(robots, sequences, types, occurred, previous, hashes, bodies, payloads,
                        payloadSalts, subjects, organisations, recorderSalts)))
                .replaceWithVoid();
    }

    private static Uni<Void> updateRobots(SqlConnection connection, Collection<Appended> finals) {
        int n = finals.size();
        String[] robots = new String[n];
        String[] statuses = new String[n];
        String[] before = new String[n];
        Long[] sequences = new Long[n];
        String[] hashes = new String[n];
        String[] owners = new String[n];
        String[] operators = new String[n];
        String[] firmware = new String[n];
        String[] aiModels = new String[n];
        Buffer[] states = new Buffer[n];
        Boolean[] due = new Boolean[n];
        OffsetDateTime[] updated = new OffsetDateTime[n];
        int i = 0;
        for (Appended a : finals) {
            RobotState s = a.after();
            robots[i] = a.event().getRobotId();
            statuses[i] = s.getStatus().name();
            before[i] = a.statusBeforeSuspension() == null ? null : a.statusBeforeSuspension().name();
            sequences[i] = a.event().getSequence();
            hashes[i] = a.event().getHash();
            owners[i] = s.getOwnerOrgId();
            operators[i] = s.getOperatorOrgId();
            firmware[i] = s.getFirmwareVersion();
            aiModels[i] = s.getAiModelVersion();
            states[i] = Buffer.buffer(s.toByteArray());
            due[i] = s.getMaintenanceDue();
            // the row is as its last event left it, recorded then
            updated[i] = offset(a.event().getRecorded().getTime());
            i++;
        }
        return connection.preparedQuery("""
                update robot r set status = u.status, status_before_suspension = u.before, last_sequence = u.seq,
                    last_hash = u.hash, owner_org_id = u.owner, operator_org_id = u.operator, firmware_version = u.firmware,
                    ai_model_version = u.ai_model, state = u.state, updated_at = u.updated, maintenance_due = u.due
                from unnest($1::bpchar[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::text[],
                            $8::text[], $9::text[], $10::bytea[], $11::boolean[], $12::timestamptz[])
                     as u(robot_id, status, before, seq, hash, owner, operator, firmware, ai_model, state, due, updated)
                where r.robot_id = u.robot_id""")
                .execute(Tuple.from(List.<Object>of(robots, statuses, before, sequences, hashes, owners, operators,
                        firmware, aiModels, states, due, updated)))
                .replaceWithVoid();
    }

    private static Uni<Void> replaceComponents(SqlConnection connection, Set<String> robotIds, Map<String, Appended> last) {
        List<Object[]> rows = new ArrayList<>();
        for (String robotId : robotIds) {
            for (var c : last.get(robotId).after().getComponentsList()) {
                rows.add(new Object[] { robotId, c.getPartNumber(), c.getLot(), c.getSerial() });
            }
        }
        Uni<Void> cleared = connection.preparedQuery("delete from robot_component where robot_id = any($1::bpchar[])")
                .execute(Tuple.of(robotIds.toArray(new String[0]))).replaceWithVoid();
        return rows.isEmpty() ? cleared : Uni.combine().all().unis(cleared, connection.preparedQuery("""
                insert into robot_component (robot_id, part_number, lot, serial)
                select * from unnest($1::text[], $2::text[], $3::text[], $4::text[])""")
                .execute(Tuple.of(column(rows, 0, String.class), column(rows, 1, String.class), column(rows, 2, String.class),
                        column(rows, 3, String.class)))
                .replaceWithVoid()).discardItems();
    }

    /**
     * Appends feed entries in the given order, numbered in commit order (EVIDENCE.md section 5): under the advisory
     * lock, one statement numbers them after the highest stored one and seals each with its number, SHA-256 of its
     * record around the number ({@link FeedEntries#unnumbered}). The two statements go out pipelined: the lock
     * is held for the insert and the commit only, with no round trip to this service in between (numbering in
     * Java made every writer of feed entries wait, under the lock, for this service to read the head and seal).
     * The insert's snapshot is taken when it starts, after the lock is held, so it sees every earlier entry.
     */
    private static Uni<Void> appendFeed(SqlConnection connection, List<Appended> appended) {
        int n = appended.size();
        Long[] order = new Long[n];
        String[] robots = new String[n];
        String[] statuses = new String[n];
        Boolean[] suspended = new Boolean[n];
        String[] recalls = new String[n];
        String[] causes = new String[n];
        OffsetDateTime[] changed = new OffsetDateTime[n];
        String[] operators = new String[n];
        Long[] sequences = new Long[n];
        Buffer[] configuration = new Buffer[n];
        String[] eventHashes = new String[n];
        Buffer[] heads = new Buffer[n];
        Buffer[] tails = new Buffer[n];
        for (int i = 0; i < n; i++) {
            WatchStatusChangesResponse f = appended.get(i).feedEntry();
            FeedEntries.Unnumbered record = FeedEntries.unnumbered(f);
            order[i] = (long) i + 1;
            robots[i] = f.getRobotId();
            statuses[i] = f.getStatus().name();
            suspended[i] = f.getSuspended();
            // text[][] of ragged rows is not possible: each row's recalls travel as one space-joined string.
            recalls[i] = String.join(" ", f.getOpenStopUseRecallsList());
            causes[i] = f.getCause().name();
            changed[i] = offset(f.getChangedAt());
            operators[i] = f.getOperatorOrgId();
            sequences[i] = f.getEventSequence();
            configuration[i] = f.hasConfigurationChange() ? Buffer.buffer(f.getConfigurationChange().toByteArray()) : null;
            eventHashes[i] = f.getEventHash();
            heads[i] = Buffer.buffer(record.head());
            tails[i] = Buffer.buffer(record.tail());
        }
        Uni<Void> lock = connection.preparedQuery("select pg_advisory_xact_lock($1)").execute(Tuple.of(FEED_LOCK))
                .replaceWithVoid();
        Uni<Void> insert = connection.preparedQuery("""
                insert into status_feed (feed_sequence, robot_id, status, suspended, open_stop_use_recalls, cause, changed_at,
                                         operator_org_id, event_sequence, configuration_change, event_hash, entry_hash)
                overriding system value
                select h.last + u.n, robot_id, status, suspended,
                       coalesce(string_to_array(nullif(recalls, ''), ' '), '{}')::text[], cause, changed_at, operator, seq,
                       configuration, event_hash, encode(sha256(u.head || int8send(h.last + u.n) || u.tail), 'hex')
                from unnest($1::bigint[], $2::text[], $3::text[], $4::boolean[], $5::text[], $6::text[], $7::timestamptz[],
                            $8::text[], $9::bigint[], $10::bytea[], $11::text[], $12::bytea[], $13::bytea[])
                     as u(n, robot_id, status, suspended, recalls, cause, changed_at, operator, seq, configuration,
                          event_hash, head, tail),
                     (select coalesce(max(feed_sequence), 0) as last from status_feed) h
                order by u.n""")
                .execute(Tuple.from(List.<Object>of(order, robots, statuses, suspended, recalls, causes, changed, operators,
                        sequences, configuration, eventHashes, heads, tails)))
                .replaceWithVoid();
        return Uni.combine().all().unis(lock, insert).discardItems();
    }

    @SuppressWarnings("unchecked")
    private static <T> T[] column(List<Object[]> rows, int index, Class<T> type) {
        T[] out = (T[]) java.lang.reflect.Array.newInstance(type, rows.size());
        for (int i = 0; i < rows.size(); i++) {
            out[i] = type.cast(rows.get(i)[index]);
        }
        return out;
    }

    /** What FindRobots filters on; empty strings and nulls mean any. */
    public record Criteria(String modelCode, String status, String operatorOrgId, String firmwareVersion,
            String aiModelVersion, String partNumber, List<String> lots, String manufacturerCode, String orgId) {
    }

    /**
     * One page of robots matching every criterion, in ID order, after {@code afterRobotId}. The statement
     * names only the criteria given (a generic "$2 = '' or model_code = $2" plan cannot use an index, and
     * PostgreSQL switches a prepared statement to its generic plan after five runs); the values stay bound.
     * The page's IDs are found first and only then its robots read: by model, part and lot that takes index-only
     * scans ({@code (model_code, robot_id)}, {@code (part_number, lot, robot_id)}) rather than reading every robot
     * of the model from the heap (13-19 ms instead of 200-370 ms at 1,000,000 robots, cold).
     */
    public Uni<List<RobotState>> find(Criteria c, String afterRobotId, int limit) {
        List<Object> values = new ArrayList<>();
        StringBuilder sql = new StringBuilder("select page.state from robot page where page.robot_id in"
                + " (select r.robot_id from robot r where r.robot_id > $1");
        values.add(afterRobotId == null ? "" : afterRobotId);
        java.util.function.BiConsumer<String, Object> where = (condition, value) -> {
            values.add(value);
            sql.append(" and ").append(condition.replace("?", "$" + values.size()));
        };
        if (!c.modelCode().isEmpty()) {
            where.accept("r.model_code = ?", c.modelCode());
        }
        if (!c.status().isEmpty()) {
            where.accept("r.status = ?", c.status());
        }
        if (!c.operatorOrgId().isEmpty()) {
            where.accept("r.operator_org_id = ?", c.operatorOrgId());
        }
        if (!c.firmwareVersion().isEmpty()) {
            where.accept("r.firmware_version = ?", c.firmwareVersion());
        }
        if (!c.aiModelVersion().isEmpty()) {
            where.accept("r.ai_model_version = ?", c.aiModelVersion());
        }
        if (!c.partNumber().isEmpty()) {
            if (c.lots().isEmpty()) {
                where.accept("exists (select 1 from robot_component rc where rc.robot_id = r.robot_id"
                        + " and rc.part_number = ?)", c.partNumber());
            } else {
                values.add(c.partNumber());
                values.add(c.lots().toArray(new String[0]));
                sql.append(" and exists (select 1 from robot_component rc where rc.robot_id = r.robot_id and rc.part_number = $")
                        .append(values.size() - 1).append(" and rc.lot = any($").append(values.size()).append("::text[]))");
            }
        }
        if (!c.manufacturerCode().isEmpty()) {
            where.accept("r.manufacturer_code = ?", c.manufacturerCode());
        }
        if (!c.orgId().isEmpty()) {
            values.add(c.orgId());
            sql.append(" and (r.owner_org_id = $").append(values.size()).append(" or r.operator_org_id = $")
                    .append(values.size()).append(")");
        }
        values.add(limit);
        sql.append(" order by r.robot_id limit $").append(values.size()).append(") order by page.robot_id");
        return database.preparedQuery(sql.toString()).execute(Tuple.from(values))
                .map(rows -> {
                    List<RobotState> out = new ArrayList<>();
                    rows.forEach(row -> out.add(parseState(row.getBuffer("state").getBytes())));
                    return out;
                });
    }

    public Uni<Optional<RobotState>> state(RobotId id) {
        return database.preparedQuery("select state from robot where robot_id = $1").execute(Tuple.of(id.canonical()))
                .map(rows -> rows.size() == 0 ? Optional.empty()
                        : Optional.of(parseState(rows.iterator().next().getBuffer("state").getBytes())));
    }

    /** The evidence columns of the event table, in the order {@link #storedEvent} reads them. */
    private static final String EVENT_COLUMNS = """
            robot_id, sequence, type, occurred_at, previous_hash, hash, seal_version, body, payload, payload_salt,
            recorder_subject, recorder_organisation, recorder_salt""";

    /**
     * One page of a robot's events after {@code afterSequence}, optionally of some types and a time range,
     * each read from its sealed bytes (EventChain.read).
     */
    public Uni<List<LifecycleEvent>> events(RobotId id, List<String> types, Instant from, Instant to, long afterSequence,
            int limit) {
        return database.preparedQuery("select " + EVENT_COLUMNS + """
                 from event where robot_id = $1 and sequence > $2
                  and (cardinality($3::text[]) = 0 or type = any($3::text[]))
                  and ($4::timestamptz is null or occurred_at >= $4) and ($5::timestamptz is null or occurred_at < $5)
                order by sequence limit $6""")
                .execute(Tuple.from(java.util.Arrays.asList(id.canonical(), afterSequence, types.toArray(new String[0]),
                        from == null ? null : from.atOffset(ZoneOffset.UTC), to == null ? null : to.atOffset(ZoneOffset.UTC),
                        limit)))
                .map(rows -> {
                    List<LifecycleEvent> out = new ArrayList<>();
                    rows.forEach(row -> out.add(readEvent(storedEvent(row))));
                    return out;
                });
    }

    /** The key of {@link #events(SqlConnection, List)}'s answer. */
    public static String eventKey(String robotId, long sequence) {
        return robotId + "/" + sequence;
    }

    /**
     * The events at these chain positions (each given as an event holding only its robot and sequence), read
     * from their sealed bytes, by {@link #eventKey}; a position with no event is missing from the answer.
     */
    public Uni<Map<String, LifecycleEvent>> events(SqlConnection connection, List<LifecycleEvent> positions) {
        String[] robots = new String[positions.size()];
        Long[] sequences = new Long[positions.size()];
        for (int i = 0; i < positions.size(); i++) {
            robots[i] = positions.get(i).getRobotId();
            sequences[i] = positions.get(i).getSequence();
        }
        return connection.preparedQuery("select " + EVENT_COLUMNS + " from event"
                + " join unnest($1::bpchar[], $2::bigint[]) as k(robot_id, sequence) using (robot_id, sequence)")
                .execute(Tuple.of(robots, sequences))
                .map(rows -> {
                    Map<String, LifecycleEvent> out = new HashMap<>();
                    rows.forEach(row -> {
                        StoredEvent stored = storedEvent(row);
                        out.put(eventKey(stored.robotId(), stored.sequence()), readEvent(stored));
                    });
                    return out;
                });
    }

    /** An event row as stored: the columns copied for filtering, and the evidence. */
    public record StoredEvent(String robotId, long sequence, String type, Instant occurredAt, String previousHash,
            String hash, EventChain.Stored evidence) {
    }

    /** A page of a robot's event rows as stored, for verification. */
    public Uni<List<StoredEvent>> storedEvents(RobotId id, long afterSequence, int limit) {
        return database.preparedQuery("select " + EVENT_COLUMNS
                + " from event where robot_id = $1 and sequence > $2 order by sequence limit $3")
                .execute(Tuple.of(id.canonical(), afterSequence, limit))
                .map(rows -> {
                    List<StoredEvent> out = new ArrayList<>();
                    rows.forEach(row -> out.add(storedEvent(row)));
                    return out;
                });
    }

    private static StoredEvent storedEvent(Row row) {
        return new StoredEvent(row.getString("robot_id"), row.getLong("sequence"), row.getString("type"),
                row.getOffsetDateTime("occurred_at").toInstant(), row.getString("previous_hash"), row.getString("hash"),
                new EventChain.Stored(row.getInteger("seal_version"), bytes(row, "body"), bytes(row, "payload"),
                        bytes(row, "payload_salt"), row.getString("recorder_subject"),
                        row.getString("recorder_organisation"), bytes(row, "recorder_salt")));
    }

    private static byte[] bytes(Row row, String column) {
        var b = row.getBuffer(column);
        return b == null ? null : b.getBytes();
    }

    /** The event an API answers; a row that is not a sealed event is DATA_LOSS naming it. */
    public static LifecycleEvent readEvent(StoredEvent row) {
        try {
            return EventChain.read(row.evidence());
        } catch (MalformedRecord e) {
            throw DomainException.dataLoss("EVIDENCE_MISMATCH", "event " + row.sequence() + " of robot " + row.robotId()
                    + " is not a sealed event (" + e.getMessage() + "); VerifyChain names what changed",
                    Map.of("table", "event", "key", "sequence=" + row.sequence()));
        }
    }

    /** The robot row as stored, every column, for verification. */
    public record StoredRobot(String robotId, String manufacturerCode, String modelCode, String status,
            String statusBeforeSuspension, long lastSequence, String lastHash, String ownerOrgId, String operatorOrgId,
            String firmwareVersion, String aiModelVersion, byte[] state, Instant updatedAt, boolean maintenanceDue,
            LocalDate productionDate) {
    }

    public Uni<Optional<StoredRobot>> storedRobot(RobotId id) {
        return database.preparedQuery("select * from robot where robot_id = $1").execute(Tuple.of(id.canonical()))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return Optional.empty();
                    }
                    Row r = rows.iterator().next();
                    return Optional.of(new StoredRobot(r.getString("robot_id"), r.getString("manufacturer_code"),
                            r.getString("model_code"), r.getString("status"), r.getString("status_before_suspension"),
                            r.getLong("last_sequence"), r.getString("last_hash"), r.getString("owner_org_id"),
                            r.getString("operator_org_id"), r.getString("firmware_version"), r.getString("ai_model_version"),
                            bytes(r, "state"), r.getOffsetDateTime("updated_at").toInstant(), r.getBoolean("maintenance_due"),
                            r.getLocalDate("production_date")));
                });
    }

    /** A component row as stored. */
    public record StoredComponent(String partNumber, String lot, String serial) {
    }

    public Uni<List<StoredComponent>> storedComponents(RobotId id) {
        return database.preparedQuery("select part_number, lot, serial from robot_component where robot_id = $1")
                .execute(Tuple.of(id.canonical()))
                .map(rows -> {
                    List<StoredComponent> out = new ArrayList<>();
                    rows.forEach(r -> out.add(new StoredComponent(r.getString("part_number"), r.getString("lot"),
                            r.getString("serial"))));
                    return out;
                });
    }

    /** Every feed entry of a robot as stored, in feed order, for verification. */
    public Uni<List<WatchStatusChangesResponse>> storedFeed(RobotId id) {
        return database.preparedQuery(FEED_SELECT + " where robot_id = $1 order by feed_sequence")
                .execute(Tuple.of(id.canonical())).map(RobotRepository::feedRows);
    }

    private static final String FEED_SELECT = """
            select feed_sequence, robot_id, status, suspended, open_stop_use_recalls, cause, changed_at,
                   operator_org_id, event_sequence, configuration_change, event_hash, entry_hash
            from status_feed""";

    /**
     * Seals the feed entries written before feed entries were sealed (EVIDENCE.md section 10): each gets
     * the hash of its event and its seal. Answers how many.
     */
    public Uni<Integer> sealUnsealedFeed(SqlConnection connection) {
        return connection.query("""
                update status_feed f set event_hash = e.hash from event e
                where f.event_hash is null and e.robot_id = f.robot_id and e.sequence = f.event_sequence""").execute()
                .chain(() -> connection.query(FEED_SELECT + " where entry_hash is null order by feed_sequence for update").execute())
                .map(RobotRepository::feedRows)
                .chain(rows -> {
                    List<Tuple> updates = new ArrayList<>();
                    rows.forEach(f -> updates.add(Tuple.of(f.getFeedSequence(), FeedEntries.hash(f))));
                    return updates.isEmpty() ? Uni.createFrom().item(0)
                            : connection.preparedQuery("update status_feed set entry_hash = $2 where feed_sequence = $1")
                                    .executeBatch(updates).replaceWith(updates.size());
                });
    }

    /** The newest sequence of the status feed (0 before any). */
    public Uni<Long> feedHead() {
        return database.query("select coalesce(max(feed_sequence), 0) as head from status_feed").execute()
                .map(rows -> rows.iterator().next().getLong("head"));
    }

    /** A page of the feed after {@code feedSequence}, as stored: each entry with its seal. */
    public Uni<List<WatchStatusChangesResponse>> feedAfter(long feedSequence, int limit) {
        return database.preparedQuery(FEED_SELECT + " where feed_sequence > $1 order by feed_sequence limit $2")
                .execute(Tuple.of(feedSequence, limit)).map(RobotRepository::feedRows);
    }

    private static List<WatchStatusChangesResponse> feedRows(io.vertx.mutiny.sqlclient.RowSet<Row> rows) {
        List<WatchStatusChangesResponse> out = new ArrayList<>();
        for (Row row : rows) {
            OffsetDateTime at = row.getOffsetDateTime("changed_at");
            WatchStatusChangesResponse.Builder change = WatchStatusChangesResponse.newBuilder()
                    .setFeedSequence(row.getLong("feed_sequence"))
                    .setRobotId(row.getString("robot_id"))
                    .setStatusValue(enumValue(RobotStatus.class, row.getString("status")))
                    .setSuspended(row.getBoolean("suspended"))
                    .addAllOpenStopUseRecalls(List.of(row.getArrayOfStrings("open_stop_use_recalls")))
                    .setCauseValue(enumValue(EventType.class, row.getString("cause")))
                    .setChangedAt(Timestamp.newBuilder().setSeconds(at.toEpochSecond()).setNanos(at.getNano()))
                    .setOperatorOrgId(row.getString("operator_org_id"))
                    .setEventSequence(row.getLong("event_sequence"))
                    .setEventHash(nullToEmpty(row.getString("event_hash")))
                    .setEntryHash(nullToEmpty(row.getString("entry_hash")));
            var configuration = row.getBuffer("configuration_change");
            if (configuration != null) {
                change.setConfigurationChange(parseConfiguration(configuration.getBytes()));
            }
            out.add(change.build());
        }
        return out;
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    /**
     * The number of a stored enum name; -1 (UNRECOGNIZED) for a name that is none of them, so that a changed
     * row reads as what it is and fails its seal, rather than failing the read.
     */
    static <E extends Enum<E> & com.google.protobuf.ProtocolMessageEnum> int enumValue(Class<E> type, String name) {
        try {
            return Enum.valueOf(type, name).getNumber();
        } catch (IllegalArgumentException | NullPointerException e) {
            return -1;
        }
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

    /** The stored change; an unreadable one reads as empty, so that the entry fails its seal rather than the read. */
    private static ConfigurationChange parseConfiguration(byte[] bytes) {
        try {
            return ConfigurationChange.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            return ConfigurationChange.getDefaultInstance();
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
