package io.robotid.lifecycle.repository;

import java.time.Instant;

import io.robotid.evidence.codec.Hex;
import io.robotid.evidence.codec.Sha256;
import io.robotid.evidence.format.RecallCampaigns;
import io.robotid.evidence.format.Stamp;

import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;

import io.robotid.kit.audit.WriteContext;
import io.robotid.lifecycle.domain.AffectedRobot;
import io.robotid.lifecycle.domain.StateMachine;
import io.robotid.proto.common.v1.AuditStamp;
import io.robotid.proto.lifecycle.v1.EventType;
import io.robotid.proto.lifecycle.v1.RecallCampaign;
import io.robotid.proto.lifecycle.v1.RecallCriteria;
import io.robotid.proto.lifecycle.v1.RecallSeverity;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/** Recall campaigns, and the robots each covers, found from the records by its criteria. */
@ApplicationScoped
public class RecallRepository {
    /**
     * Statuses in which a robot can still be notified of a recall: those in which the state machine
     * allows RECALL_NOTIFIED (one source), as stored in {@code robot.status}.
     */
    static final String[] NOTIFIABLE = StateMachine.statusesAllowing(EventType.EVENT_TYPE_RECALL_NOTIFIED).stream()
            .map(Enum::name).sorted().toArray(String[]::new);

    private final Pool database;

    public RecallRepository(Pool database) {
        this.database = database;
    }

    /** The robots the criteria select, among those that can still be notified. */
    public Uni<List<String>> affected(SqlConnection connection, RecallCriteria c) {
        return connection.preparedQuery("""
                select r.robot_id from robot r
                where r.model_code = any($1::bpchar[]) and r.status = any($2::text[])
                  and (cardinality($3::text[]) = 0 or r.firmware_version = any($3::text[]))
                  and (cardinality($4::text[]) = 0 or r.ai_model_version = any($4::text[]))
                  and ($5 = '' or exists (select 1 from robot_component rc where rc.robot_id = r.robot_id
                        and rc.part_number = $5 and (cardinality($6::text[]) = 0 or rc.lot = any($6::text[]))))
                  and ($7::date is null or r.production_date >= $7) and ($8::date is null or r.production_date <= $8)
                order by r.robot_id""")
                .execute(Tuple.from(Arrays.asList(c.getModelCodesList().toArray(new String[0]), NOTIFIABLE,
                        c.getFirmwareVersionsList().toArray(new String[0]), c.getAiModelVersionsList().toArray(new String[0]),
                        c.getPartNumber(), c.getLotsList().toArray(new String[0]), date(c.getProducedFrom()), date(c.getProducedTo()))))
                .map(rows -> {
                    List<String> out = new ArrayList<>();
                    rows.forEach(row -> out.add(row.getString("robot_id")));
                    return out;
                });
    }

    private static java.time.LocalDate date(String iso) {
        return iso.isEmpty() ? null : java.time.LocalDate.parse(iso);
    }

    /** Stores a campaign and its robots; returns the campaign's record hash (EVIDENCE.md section 4.3). */
    public Uni<byte[]> insert(SqlConnection connection, UUID id, WriteContext context, String title, String description,
            RecallSeverity severity, RecallCriteria criteria, List<String> robots) {
        byte[] criteriaBytes = criteria.toByteArray();
        byte[] hash = Sha256.of(RecallCampaigns.encode(new RecallCampaigns.Campaign(id.toString(), title,
                description, severity.name(), criteriaBytes, new Stamp(context.caller().subject(), context.caller().auditRole(),
                        context.caller().auditOrganisation(), context.at(), context.requestId().toString(),
                        context.traceId()))));
        String recordHash = Hex.of(hash);
        Uni<Void> campaign = connection.preparedQuery("""
                insert into recall_campaign (campaign_id, title, description, severity, criteria, created_at, subject, role,
                    organisation, request_id, trace_id, record_hash) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)""")
                .execute(Tuple.from(List.of(id, title, description, severity.name(), Buffer.buffer(criteriaBytes),
                        context.at().atOffset(ZoneOffset.UTC), context.caller().subject(), context.caller().auditRole(),
                        context.caller().auditOrganisation(), context.requestId(), context.traceId(), recordHash)))
                .replaceWithVoid();
        if (robots.isEmpty()) {
            return campaign.replaceWith(hash);
        }
        List<Tuple> rows = robots.stream().map(robot -> Tuple.of(id, robot)).toList();
        return campaign.chain(() -> connection.preparedQuery(
                "insert into recall_robot (campaign_id, robot_id) values ($1, $2)").executeBatch(rows)).replaceWith(hash);
    }

    /** The open (not remedied) recalls of these robots, as {@link #openKey} strings. */
    public Uni<java.util.Set<String>> openFor(SqlConnection connection, java.util.Collection<String> robotIds) {
        return connection.preparedQuery("""
                select campaign_id::text as campaign_id, robot_id from recall_robot
                where robot_id = any($1::bpchar[]) and remedied_at is null""")
                .execute(Tuple.of(robotIds.toArray(new String[0])))
                .map(rows -> {
                    java.util.Set<String> open = new java.util.HashSet<>();
                    rows.forEach(row -> open.add(openKey(row.getString("campaign_id"), row.getString("robot_id"))));
                    return open;
                });
    }

    /** A robot's recall match as stored, with its campaign's stored fields and seal. */
    public record StoredMatch(String campaignId, Instant remediedAt, String recordHash, String recomputedHash) {
    }

    /** Every recall match of a robot, each with its campaign's seal recomputed from the campaign row. */
    public Uni<List<StoredMatch>> matchesOf(String robotId) {
        return database.preparedQuery("""
                select r.campaign_id::text as match_campaign, r.remedied_at, c.*
                from recall_robot r left join recall_campaign c on c.campaign_id = r.campaign_id
                where r.robot_id = $1 order by r.campaign_id""").execute(Tuple.of(robotId))
                .map(rows -> {
                    List<StoredMatch> out = new ArrayList<>();
                    for (Row row : rows) {
                        var remedied = row.getOffsetDateTime("remedied_at");
                        String recomputed = row.getUUID("campaign_id") == null ? null : recomputedHash(row);
                        out.add(new StoredMatch(row.getString("match_campaign"), remedied == null ? null : remedied.toInstant(),
                                row.getString("record_hash"), recomputed));
                    }
                    return out;
                });
    }

    private static String recomputedHash(Row row) {
        return Hex.of(Sha256.of(RecallCampaigns.encode(new RecallCampaigns.Campaign(row.getUUID("campaign_id").toString(),
                row.getString("title"), row.getString("description"), row.getString("severity"),
                row.getBuffer("criteria").getBytes(), new Stamp(row.getString("subject"), row.getString("role"),
                        row.getString("organisation"), row.getOffsetDateTime("created_at").toInstant(),
                        row.getUUID("request_id").toString(), row.getString("trace_id"))))));
    }

    /** Campaigns stored before they were sealed (none once the start-up migration ran). */
    public Uni<Integer> sealUnsealed(SqlConnection connection) {
        return connection.query("select * from recall_campaign where record_hash is null for update").execute()
                .chain(rows -> {
                    List<Tuple> updates = new ArrayList<>();
                    rows.forEach(row -> updates.add(Tuple.of(row.getUUID("campaign_id"), recomputedHash(row))));
                    return updates.isEmpty() ? Uni.createFrom().item(0)
                            : connection.preparedQuery("update recall_campaign set record_hash = $2 where campaign_id = $1")
                                    .executeBatch(updates).replaceWith(updates.size());
                });
    }

    public static String openKey(String campaignId, String robotId) {
        return campaignId.toLowerCase(java.util.Locale.ROOT) + "/" + robotId;
    }

    public Uni<Optional<RecallCampaign>> find(UUID id) {
        return database.preparedQuery("""
                select c.*, (select count(*) from recall_robot r where r.campaign_id = c.campaign_id) as affected,
                       (select count(*) from recall_robot r where r.campaign_id = c.campaign_id and r.remedied_at is not null)
                       as remedied
                from recall_campaign c where c.campaign_id = $1""").execute(Tuple.of(id))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(campaign(rows.iterator().next())));
    }

    /** Whether the campaign exists (without counting its robots, as {@link #find} does). */
    public Uni<Boolean> exists(UUID id) {
        return database.preparedQuery("select 1 from recall_campaign where campaign_id = $1").execute(Tuple.of(id))
                .map(rows -> rows.size() > 0);
    }

    /**
     * Up to {@code limit} of the campaign's robots after {@code afterRobotId} ("" for the first), in robot
     * ID order: a range of the primary key (campaign_id, robot_id), whatever the campaign's size.
     */
    public Uni<List<AffectedRobot>> robots(UUID id, String afterRobotId, int limit) {
        return database.preparedQuery("""
                select robot_id, remedied_at from recall_robot where campaign_id = $1 and robot_id > $2::bpchar
                order by robot_id limit $3""")
                .execute(Tuple.of(id, afterRobotId, limit)).map(rows -> {
                    List<AffectedRobot> out = new ArrayList<>(rows.size());
                    for (Row row : rows) {
                        java.time.OffsetDateTime remedied = row.getOffsetDateTime("remedied_at");
                        out.add(new AffectedRobot(row.getString("robot_id"),
                                Optional.ofNullable(remedied).map(java.time.OffsetDateTime::toInstant)));
                    }
                    return out;
                });
    }

    private static RecallCampaign campaign(Row row) {
        try {
            return RecallCampaign.newBuilder()
                    .setCampaignId(row.getUUID("campaign_id").toString())
                    .setTitle(row.getString("title"))
                    .setDescription(row.getString("description"))
                    .setSeverityValue(RobotRepository.enumValue(RecallSeverity.class, row.getString("severity")))
                    .setCriteria(RecallCriteria.parseFrom(row.getBuffer("criteria").getBytes()))
                    .setAffected(row.getLong("affected").intValue())
                    .setRemedied(row.getLong("remedied").intValue())
                    .setCreated(AuditStamp.newBuilder().setSubject(row.getString("subject")).setRole(row.getString("role"))
                            .setOrganisation(row.getString("organisation")).setRequestId(row.getUUID("request_id").toString())
                            .setTraceId(row.getString("trace_id")).setTime(timestamp(row.getOffsetDateTime("created_at"))))
                    .build();
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("stored recall criteria are unreadable", e);
        }
    }

    private static Timestamp timestamp(java.time.OffsetDateTime at) {
        return Timestamp.newBuilder().setSeconds(at.toEpochSecond()).setNanos(at.getNano()).build();
    }
}
