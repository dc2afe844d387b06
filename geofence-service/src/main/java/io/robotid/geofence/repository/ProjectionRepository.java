package io.robotid.geofence.repository;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.google.protobuf.InvalidProtocolBufferException;

import io.robotid.proto.certification.v1.Certificate;
import io.robotid.proto.certification.v1.UnitRevalidation;
import io.robotid.proto.certification.v1.WatchCertificationChangesResponse;
import io.robotid.proto.lifecycle.v1.WatchStatusChangesResponse;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * What the feeds told this service, stored so that a restart starts from it and resumes each feed after
 * its stored position: the last lifecycle entry of each robot, each certificate as last shown, each unit's
 * re-validation needs, and the models' intelligence levels. Positions move forward only, in the same
 * transaction as the entries' effects.
 */
@ApplicationScoped
public class ProjectionRepository {
    public static final String LIFECYCLE = "lifecycle";
    public static final String CERTIFICATION = "certification";

    private final Pool database;

    public ProjectionRepository(Pool database) {
        this.database = database;
    }

    public Uni<Long> position(String feed) {
        return database.preparedQuery("select last_sequence from feed_position where feed = $1").execute(Tuple.of(feed))
                .map(rows -> rows.iterator().hasNext() ? rows.iterator().next().getLong("last_sequence") : 0L);
    }

    private static Uni<Void> advance(SqlConnection c, String feed, long sequence) {
        return c.preparedQuery("""
                insert into feed_position (feed, last_sequence) values ($1, $2)
                on conflict (feed) do update set last_sequence = greatest(feed_position.last_sequence, excluded.last_sequence)""")
                .execute(Tuple.of(feed, sequence)).replaceWithVoid();
    }

    /** The robots' latest lifecycle entries of a batch, and the position. */
    public Uni<Void> storeLifecycle(List<WatchStatusChangesResponse> entries) {
        Map<String, WatchStatusChangesResponse> latest = new LinkedHashMap<>();
        entries.forEach(e -> latest.put(e.getRobotId(), e));
        List<Tuple> rows = new ArrayList<>();
        latest.values().forEach(e -> rows.add(Tuple.of(e.getRobotId(), Buffer.buffer(e.toByteArray()), e.getFeedSequence())));
        long last = entries.get(entries.size() - 1).getFeedSequence();
        return database.withTransaction(c -> c.preparedQuery("""
                insert into robot_status (robot_id, entry, sequence) values ($1, $2, $3)
                on conflict (robot_id) do update set entry = excluded.entry, sequence = excluded.sequence
                where robot_status.sequence < excluded.sequence""").executeBatch(rows)
                .chain(() -> advance(c, LIFECYCLE, last)));
    }

    /** Certificates and re-validation needs of a batch, and the position. */
    public Uni<Void> storeCertification(List<WatchCertificationChangesResponse> entries) {
        Map<String, Tuple> certificates = new LinkedHashMap<>();
        Map<String, Tuple> revalidations = new LinkedHashMap<>();
        // each kept whole, with its sequence and seal, so that it is checked again when loaded
        for (WatchCertificationChangesResponse e : entries) {
            if (e.hasCertificate()) {
                Certificate c = e.getCertificate();
                certificates.put(c.getCertificateId(), Tuple.of(UUID.fromString(c.getCertificateId()), c.getSubject(),
                        Buffer.buffer(e.toByteArray()), e.getSequence()));
            } else if (e.hasRevalidation()) {
                UnitRevalidation r = e.getRevalidation();
                revalidations.put(r.getRobotId(), Tuple.of(r.getRobotId(), Buffer.buffer(e.toByteArray()), e.getSequence()));
            }
        }
        long last = entries.get(entries.size() - 1).getSequence();
        return database.withTransaction(c -> batch(c, """
                insert into certificate (certificate_id, subject, body, sequence) values ($1, $2, $3, $4)
                on conflict (certificate_id) do update set body = excluded.body, sequence = excluded.sequence
                where certificate.sequence < excluded.sequence""", List.copyOf(certificates.values()))
                .chain(() -> batch(c, """
                        insert into revalidation (robot_id, body, sequence) values ($1, $2, $3)
                        on conflict (robot_id) do update set body = excluded.body, sequence = excluded.sequence
                        where revalidation.sequence < excluded.sequence""", List.copyOf(revalidations.values())))
                .chain(() -> advance(c, CERTIFICATION, last)));
    }

    private static Uni<Void> batch(SqlConnection c, String sql, List<Tuple> rows) {
        return rows.isEmpty() ? Uni.createFrom().voidItem() : c.preparedQuery(sql).executeBatch(rows).replaceWithVoid();
    }

    public Uni<Void> storeLevel(String modelCode, String level, Instant at) {
        return database.preparedQuery("""
                insert into model_level (model_code, intelligence_level, fetched_at) values ($1, $2, $3)
                on conflict (model_code) do update set intelligence_level = excluded.intelligence_level, fetched_at = excluded.fetched_at""")
                .execute(Tuple.of(modelCode, level, at.atOffset(ZoneOffset.UTC))).replaceWithVoid();
    }

    /** A stored lifecycle entry (robot_status row): its columns, and the entry (null when unreadable). */
    public record StoredStatus(String robotId, long sequence, WatchStatusChangesResponse entry) {
    }

    /** A stored certification entry (certificate or revalidation row): table, key, columns and entry. */
    public record StoredCertification(String table, String key, String subject, long sequence,
            WatchCertificationChangesResponse entry) {
    }

    /**
     * Everything stored but the robots' statuses, for the projections at start and for verification; the statuses,
     * one row per robot, are read a page at a time ({@link #forEachStatus}).
     */
    public record Stored(List<StoredCertification> certifications, Map<String, String> levels) {
    }

    /** Robot statuses read per page at start and by verification. */
    public static final int STATUS_PAGE = 5_000;

    /**
     * The stored robot statuses in robot-ID order, {@code pageSize} rows a statement, each page handed to
     * {@code page} before the next is read, so that the table is never in memory at once (its 492,000 rows
     * read in one statement ran a 512m heap out of memory at start); answers how many rows there were.
     */
    public Uni<Long> forEachStatus(int pageSize, java.util.function.Consumer<List<StoredStatus>> page) {
        return statusesAfter("", pageSize, page, 0);
    }

    private Uni<Long> statusesAfter(String after, int pageSize, java.util.function.Consumer<List<StoredStatus>> page,
            long before) {
        return database.preparedQuery("select robot_id, entry, sequence from robot_status where robot_id > $1"
                + " order by robot_id limit $2").execute(Tuple.of(after, pageSize)).chain(rows -> {
                    List<StoredStatus> statuses = new ArrayList<>(rows.size());
                    rows.forEach(r -> statuses.add(new StoredStatus(r.getString("robot_id"), r.getLong("sequence"),
                            parse(r, "entry", WatchStatusChangesResponse.parser()))));
                    page.accept(statuses);
                    long seen = before + statuses.size();
                    return statuses.size() < pageSize ? Uni.createFrom().item(seen)
                            : statusesAfter(statuses.get(statuses.size() - 1).robotId(), pageSize, page, seen);
                });
    }

    public Uni<Stored> loadAll() {
        List<StoredCertification> certifications = new ArrayList<>();
        Map<String, String> levels = new LinkedHashMap<>();
        return database.query("select certificate_id, subject, body, sequence from certificate order by sequence")
                        .execute()
                .invoke(rows -> rows.forEach(r -> certifications.add(new StoredCertification("certificate",
                        r.getUUID("certificate_id").toString(), r.getString("subject"), r.getLong("sequence"),
                        parse(r, "body", WatchCertificationChangesResponse.parser())))))
                .chain(() -> database.query("select robot_id, body, sequence from revalidation order by sequence").execute())
                .invoke(rows -> rows.forEach(r -> certifications.add(new StoredCertification("revalidation",
                        r.getString("robot_id"), r.getString("robot_id"), r.getLong("sequence"),
                        parse(r, "body", WatchCertificationChangesResponse.parser())))))
                .chain(() -> database.query("select model_code, intelligence_level from model_level").execute())
                .invoke(rows -> rows.forEach(r -> levels.put(r.getString("model_code"), r.getString("intelligence_level"))))
                .map(ignored -> new Stored(certifications, levels));
    }

    /** The entry, or null when the stored bytes are not one (reported by the checks, never thrown). */
    private static <T> T parse(Row row, String column, com.google.protobuf.Parser<T> parser) {
        try {
            return parser.parseFrom(row.getBuffer(column).getBytes());
        } catch (InvalidProtocolBufferException e) {
            return null;
        }
    }
}
