package io.robotid.certification.repository;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import io.robotid.evidence.codec.Hex;
import io.robotid.evidence.format.CertificationRecords;
import io.robotid.evidence.format.Stamp;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Certification records exactly as stored, column by column, for checking them against their seals
 * (VerifyRecords) and for sealing those stored before seals (EvidenceMigration). Values are read as the
 * database holds them (names as text, not enums), so a changed row is read, not refused. A subject's
 * records are read in one repeatable-read transaction: one snapshot, so a write committed meanwhile
 * cannot look like a discrepancy.
 */
@ApplicationScoped
public class StoredRecords {
    private final Pool database;

    public StoredRecords(Pool database) {
        this.database = database;
    }

    public Pool database() {
        return database;
    }

    /**
     * The sealed bytes of a test result, certificate or certificate action, by its log key
     * ({@code result/<id>}, {@code certificate/<id>}, {@code certificate/<id>/action/<hash>}); empty for
     * other keys, unknown records, and rows sealed before seals.
     */
    public Uni<Optional<byte[]>> sealedByLogKey(String key) {
        String sql;
        String id;
        if (key.startsWith("result/")) {
            sql = "select sealed from test_result where id = $1";
            id = key.substring("result/".length());
        } else if (key.startsWith("certificate/") && key.indexOf('/', "certificate/".length()) < 0) {
            sql = "select sealed from certificate where id = $1";
            id = key.substring("certificate/".length());
        } else if (key.matches("certificate/[0-9a-f-]{36}/action/[0-9a-f]{64}")) {
            String[] parts = key.split("/");
            return database.preparedQuery("select sealed from certificate_action where certificate_id = $1 and record_hash = $2")
                    .execute(Tuple.of(UUID.fromString(parts[1]), parts[3])).map(rows -> rows.size() == 0
                            ? Optional.<byte[]>empty()
                            : Optional.ofNullable(rows.iterator().next().getBuffer("sealed")).map(b -> b.getBytes()));
        } else {
            return Uni.createFrom().item(Optional.empty());
        }
        UUID uuid;
        try {
            uuid = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().item(Optional.empty());
        }
        return database.preparedQuery(sql).execute(Tuple.of(uuid)).map(rows -> {
            if (rows.size() == 0) {
                return Optional.empty();
            }
            io.vertx.mutiny.core.buffer.Buffer sealed = rows.iterator().next().getBuffer("sealed");
            return Optional.ofNullable(sealed == null ? null : sealed.getBytes());
        });
    }

    // ------------------------------------------------------------------------------------------ rows

    /** An audit stamp's six columns; every one may be null in {@code changed_*}. */
    public record StoredStamp(String subject, String role, String organisation, Instant at, String requestId,
            String traceId) {
        public Stamp sealable() {
            return new Stamp(subject, role, organisation, at, requestId, traceId);
        }

        static StoredStamp read(Row row, String prefix) {
            UUID requestId = row.getUUID(prefix + "request_id");
            return new StoredStamp(row.getString(prefix + "subject"), row.getString(prefix + "role"),
                    row.getString(prefix + "organisation"), instant(row, prefix + "at"),
                    requestId == null ? null : requestId.toString(), row.getString(prefix + "trace_id"));
        }
    }

    /** What a test result says and its certificate copies: subject, tier, conditions, report, validity. */
    public record Content(String subject, String subjectKind, String modelCode, String manufacturerCode, String bodyId,
            String tier, List<String> standards, Instant testDate, String outcome, boolean hasConditions,
            Double maxSpeedMPerS, Double maxPayloadKg, String environment, Boolean peopleNearbyAllowed,
            List<String> taskCategories, String reportUri, String reportSha256, Instant validFrom, Instant validUntil) {

        /** Each value by its column, in column order. */
        public Map<String, Object> byColumn() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("certified_subject", subject);
            out.put("subject_kind", subjectKind);
            out.put("model_code", modelCode);
            out.put("manufacturer_code", manufacturerCode);
            out.put("body_id", bodyId);
            out.put("tier", tier);
            out.put("standards", standards);
            out.put("test_date", testDate);
            out.put("outcome", outcome);
            out.put("has_conditions", hasConditions);
            out.put("max_speed_m_per_s", maxSpeedMPerS);
            out.put("max_payload_kg", maxPayloadKg);
            out.put("environment", environment);
            out.put("people_nearby_allowed", peopleNearbyAllowed);
            out.put("task_categories", taskCategories);
            out.put("report_uri", reportUri);
            out.put("report_sha256", reportSha256);
            out.put("valid_from", validFrom);
            out.put("valid_until", validUntil);
            return out;
        }

        CertificationRecords.Conditions conditions() {
            return new CertificationRecords.Conditions(hasConditions, maxSpeedMPerS, maxPayloadKg,
                    environment == null ? "" : environment, peopleNearbyAllowed, taskCategories);
        }

        static Content read(Row row) {
            return new Content(row.getString("certified_subject"), row.getString("subject_kind"),
                    row.getString("model_code"), row.getString("manufacturer_code"), row.getString("body_id"),
                    row.getString("tier"), strings(row, "standards"), instant(row, "test_date"), row.getString("outcome"),
                    row.getBoolean("has_conditions"), row.getDouble("max_speed_m_per_s"), row.getDouble("max_payload_kg"),
                    row.getString("environment"), row.getBoolean("people_nearby_allowed"), strings(row, "task_categories"),
                    row.getString("report_uri"), row.getString("report_sha256"), instant(row, "valid_from"),
                    instant(row, "valid_until"));
        }
    }

    public record StoredBody(String bodyId, String name, String country, List<String> tiers, List<String> standards,
            int accreditationVersion, StoredStamp accredited, byte[] sealed, String recordHash) {
        public CertificationRecords.Body sealable() {
            return new CertificationRecords.Body(bodyId, name, country, tiers, standards, accreditationVersion,
                    accredited.sealable());
        }
    }

    public record StoredResult(UUID id, Content content, UUID certificateId, StoredStamp submitted, byte[] sealed,
            String recordHash) {
        public CertificationRecords.TestResult sealable() {
            Content c = content;
            return new CertificationRecords.TestResult(id.toString(), c.subject(), c.subjectKind(), c.modelCode(),
                    c.manufacturerCode(), c.bodyId(), c.tier(), c.standards(), c.testDate(), c.outcome(), c.conditions(),
                    c.reportUri(), c.reportSha256(), c.validFrom(), c.validUntil(),
                    certificateId == null ? "" : certificateId.toString(), submitted.sealable());
        }
    }

    public record StoredCertificate(UUID id, UUID resultId, Content content, String state, String stateReason,
            String suspendedByRole, StoredStamp issued, StoredStamp changed, byte[] sealed, String recordHash,
            String headHash) {
        /** @param resultHash the hex hash of the test result it names */
        public CertificationRecords.Certificate sealable(String resultHash) {
            return new CertificationRecords.Certificate(id.toString(), resultId.toString(), digest(resultHash),
                    content.validFrom(), content.validUntil(), issued.sealable());
        }
    }

    public record StoredAction(long id, UUID certificateId, String action, String stateAfter, String reason,
            StoredStamp stamp, String previousHash, byte[] sealed, String recordHash) {
        public CertificationRecords.Action sealable(String suspendedByRoleAfter) {
            return new CertificationRecords.Action(certificateId.toString(), digest(previousHash), action, stateAfter,
                    reason, suspendedByRoleAfter, stamp.sealable());
        }
    }

    public record StoredMark(long id, String robotId, String tier, Instant since, String cause, long lifecycleEventSequence,
            String lifecycleEventHash, long lifecycleFeedSequence, Instant markedAt, Instant clearedAt,
            UUID clearedByCertificate, byte[] markSealed, String markHash, byte[] clearingSealed, String clearingHash) {
        public CertificationRecords.Mark sealable() {
            return new CertificationRecords.Mark(robotId, tier, since, cause, lifecycleEventSequence,
                    digest(lifecycleEventHash), lifecycleFeedSequence, markedAt);
        }

        /** Its clearing: requires cleared_at and cleared_by_certificate. */
        public CertificationRecords.Clearing sealableClearing(String markHash) {
            return new CertificationRecords.Clearing(digest(markHash), clearedAt, clearedByCertificate.toString());
        }

        /** Whether any clearing column is set. */
        public boolean anyClearing() {
            return clearedAt != null || clearedByCertificate != null || clearingSealed != null || clearingHash != null;
        }
    }

    public record StoredFeedEntry(long sequence, String kind, UUID certificateId, String robotId, Instant changedAt,
            byte[] body, String entryHash) {
        public CertificationRecords.FeedEntry sealable() {
            return new CertificationRecords.FeedEntry(sequence, kind, certificateId == null ? null : certificateId.toString(),
                    robotId, changedAt, body);
        }
    }

    /** Everything stored about one subject (a model or a robot). */
    public record SubjectRecords(List<StoredResult> results, List<StoredCertificate> certificates,
            List<StoredAction> actions, List<StoredMark> marks, List<StoredFeedEntry> feed) {
    }

    // ------------------------------------------------------------------------------------------ reads

    private static final String BODY = """
            select body_id, name, country, tiers, standards, accreditation_version, subject, role, organisation, at,
                   request_id, trace_id, sealed, record_hash
            from certification_body""";
    private static final String CONTENT = """
            certified_subject, subject_kind, model_code, manufacturer_code, body_id, tier, standards, test_date, outcome,
            has_conditions, max_speed_m_per_s, max_payload_kg, environment, people_nearby_allowed, task_categories,
            report_uri, report_sha256, valid_from, valid_until""";
    private static final String RESULT = "select id, " + CONTENT + """
            , certificate_id, subject, role, organisation, at, request_id, trace_id, sealed, record_hash
            from test_result""";
    private static final String CERTIFICATE = "select id, result_id, " + CONTENT + """
            , state, state_reason, suspended_by_role, subject, role, organisation, at, request_id, trace_id,
              changed_subject, changed_role, changed_organisation, changed_at, changed_request_id, changed_trace_id,
              sealed, record_hash, head_hash
            from certificate""";
    private static final String ACTION_COLUMNS = """
            id, certificate_id, action, state_after, reason, subject, role, organisation, at, request_id, trace_id,
            previous_hash, sealed, record_hash""";
    private static final String MARK = """
            select id, robot_id, tier, since, cause, lifecycle_event_sequence, lifecycle_event_hash,
                   lifecycle_feed_sequence, marked_at, cleared_at, cleared_by_certificate, mark_sealed, mark_hash,
                   clearing_sealed, clearing_hash
            from revalidation_mark""";
    private static final String FEED = """
            select sequence, kind, certificate_id, robot_id, changed_at, body, entry_hash from certification_feed""";

    /** A body's accreditation, and whether any test result or certificate names the body. */
    public Uni<Map.Entry<Optional<StoredBody>, Boolean>> body(String bodyId) {
        return snapshot(c -> c.preparedQuery(BODY + " where body_id = $1").execute(Tuple.of(bodyId))
                .map(rows -> rows.size() == 0 ? Optional.<StoredBody>empty() : Optional.of(body(rows.iterator().next())))
                .chain(body -> c.preparedQuery("""
                        select exists (select 1 from test_result where body_id = $1)
                            or exists (select 1 from certificate where body_id = $1) as named""")
                        .execute(Tuple.of(bodyId))
                        .map(rows -> Map.entry(body, rows.iterator().next().getBoolean("named")))));
    }

    /**
     * A subject's records: its test results and certificates (also those that name each other when one of
     * them names another subject now), the actions of their chains (by certificate and by link), and for
     * a robot its re-validation marks (also those its certificates cleared); the feed entries about those
     * certificates or the robot.
     */
    public Uni<SubjectRecords> ofSubject(String subject, boolean robot) {
        return snapshot(c -> c.preparedQuery(RESULT + " where certified_subject = $1 order by seq")
                .execute(Tuple.of(subject)).map(rows -> list(rows, StoredRecords::result))
                .chain(results -> c.preparedQuery(CERTIFICATE
                        + " where certified_subject = $1 or id = any($2) or result_id = any($3) order by seq")
                        .execute(Tuple.of(subject, uuids(results, StoredResult::certificateId), uuids(results, StoredResult::id)))
                        .map(rows -> list(rows, StoredRecords::certificate))
                        .chain(certificates -> {
                            Set<UUID> loaded = results.stream().map(StoredResult::id).collect(Collectors.toSet());
                            UUID[] named = certificates.stream().map(StoredCertificate::resultId)
                                    .filter(id -> !loaded.contains(id)).distinct().toArray(UUID[]::new);
                            return c.preparedQuery(RESULT + " where id = any($1) order by seq").execute(Tuple.of(named))
                                    .map(rows -> {
                                        List<StoredResult> all = new ArrayList<>(results);
                                        all.addAll(list(rows, StoredRecords::result));
                                        return all;
                                    })
                                    .chain(all -> actions(c, certificates).chain(actions -> marks(c, subject, robot, certificates)
                                            .chain(marks -> feed(c, subject, robot, certificates)
                                                    .map(feed -> new SubjectRecords(all, certificates, actions, marks, feed)))));
                        })));
    }

    private static Uni<List<StoredAction>> actions(SqlConnection c, List<StoredCertificate> certificates) {
        String[] heads = certificates.stream().map(StoredCertificate::recordHash).filter(h -> h != null).toArray(String[]::new);
        return c.preparedQuery("with recursive chain as (select " + ACTION_COLUMNS + """
                     from certificate_action where certificate_id = any($1) or previous_hash = any($2::bpchar[])
                   union
                   select a.id, a.certificate_id, a.action, a.state_after, a.reason, a.subject, a.role, a.organisation,
                          a.at, a.request_id, a.trace_id, a.previous_hash, a.sealed, a.record_hash
                     from certificate_action a join chain on a.previous_hash = chain.record_hash)
                select * from chain order by id""")
                .execute(Tuple.of(uuids(certificates, StoredCertificate::id), heads))
                .map(rows -> list(rows, StoredRecords::action));
    }

    private static Uni<List<StoredMark>> marks(SqlConnection c, String subject, boolean robot,
            List<StoredCertificate> certificates) {
        if (!robot) {
            return Uni.createFrom().item(List.of());
        }
        return c.preparedQuery(MARK + " where robot_id = $1 or cleared_by_certificate = any($2) order by id")
                .execute(Tuple.of(subject, uuids(certificates, StoredCertificate::id)))
                .map(rows -> list(rows, StoredRecords::mark));
    }

    private static Uni<List<StoredFeedEntry>> feed(SqlConnection c, String subject, boolean robot,
            List<StoredCertificate> certificates) {
        return c.preparedQuery(FEED + " where certificate_id = any($1) or robot_id = $2 order by sequence")
                .execute(Tuple.of(uuids(certificates, StoredCertificate::id), robot ? subject : null))
                .map(rows -> list(rows, StoredRecords::feedEntry));
    }

    private <T> Uni<T> snapshot(Function<SqlConnection, Uni<T>> reads) {
        return database.withTransaction(c -> c.query("set transaction isolation level repeatable read, read only")
                .execute().chain(() -> reads.apply(c)));
    }

    // ------------------------------------------------------------------------------------------ sealing what was stored before

    /** Accreditations not sealed yet, locked. */
    public Uni<List<StoredBody>> unsealedBodies(SqlConnection c) {
        return c.query(BODY + " where record_hash is null for update").execute().map(rows -> list(rows, StoredRecords::body));
    }

    public Uni<List<StoredResult>> unsealedResults(SqlConnection c) {
        return c.query(RESULT + " where record_hash is null order by seq for update").execute()
                .map(rows -> list(rows, StoredRecords::result));
    }

    /** Certificates not sealed yet, each with the hash of its (already sealed) test result. */
    public Uni<List<Map.Entry<StoredCertificate, String>>> unsealedCertificates(SqlConnection c) {
        return c.query(CERTIFICATE.replace("from certificate", ", (select r.record_hash from test_result r"
                + " where r.id = certificate.result_id) as result_hash from certificate")
                + " where record_hash is null order by seq for update").execute()
                .map(rows -> list(rows, row -> Map.entry(certificate(row), row.getString("result_hash"))));
    }

    /** Every action of the certificates that have an action not sealed yet, in the order they were written. */
    public Uni<List<StoredAction>> actionsOfUnsealedChains(SqlConnection c) {
        return c.query("select " + ACTION_COLUMNS + """
                 from certificate_action where certificate_id in
                    (select certificate_id from certificate_action where record_hash is null)
                order by certificate_id, id for update""").execute().map(rows -> list(rows, StoredRecords::action));
    }

    /** The record hash of each of these certificates. */
    public Uni<Map<UUID, String>> certificateHashes(SqlConnection c, Collection<UUID> ids) {
        return c.preparedQuery("select id, record_hash from certificate where id = any($1)")
                .execute(Tuple.of(ids.toArray(UUID[]::new))).map(rows -> {
                    Map<UUID, String> out = new LinkedHashMap<>();
                    rows.forEach(row -> out.put(row.getUUID("id"), row.getString("record_hash")));
                    return out;
                });
    }

    /** Marks not sealed yet; those made before feed entries named their event get the unknown event hash. */
    public Uni<List<StoredMark>> unsealedMarks(SqlConnection c, String unknownEventHash) {
        return c.preparedQuery("update revalidation_mark set lifecycle_event_hash = $1"
                + " where lifecycle_event_hash is null and mark_hash is null").execute(Tuple.of(unknownEventHash))
                .chain(() -> c.query(MARK + " where mark_hash is null order by id for update").execute())
                .map(rows -> list(rows, StoredRecords::mark));
    }

    /** Cleared marks whose clearing is not sealed yet (their marks are). */
    public Uni<List<StoredMark>> unsealedClearings(SqlConnection c) {
        return c.query(MARK + " where cleared_at is not null and clearing_hash is null order by id for update").execute()
                .map(rows -> list(rows, StoredRecords::mark));
    }

    public Uni<List<StoredFeedEntry>> unsealedFeed(SqlConnection c) {
        return c.query(FEED + " where entry_hash is null order by sequence for update").execute()
                .map(rows -> list(rows, StoredRecords::feedEntry));
    }

    /** Stores seals: {@code table} keyed by {@code key}; each row of {@code values} is the key, then the columns. */
    public Uni<Integer> seal(SqlConnection c, String table, String key, List<String> columns, List<List<Object>> values) {
        if (values.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        StringBuilder set = new StringBuilder();
        for (int i = 0; i < columns.size(); i++) {
            set.append(i == 0 ? "" : ", ").append(columns.get(i)).append(" = $").append(i + 2);
        }
        List<Tuple> tuples = values.stream().map(v -> Tuple.from(v.stream()
                .map(x -> x instanceof byte[] b ? Buffer.buffer(b) : x).toList())).toList();
        return c.preparedQuery("update " + table + " set " + set + " where " + key + " = $1").executeBatch(tuples)
                .replaceWith(values.size());
    }

    /** Points every certificate without a head at its chain's last action, or at itself before any. */
    public Uni<Integer> sealHeads(SqlConnection c) {
        return c.query("""
                update certificate c set head_hash = coalesce(
                    (select a.record_hash from certificate_action a where a.certificate_id = c.id order by a.id desc limit 1),
                    c.record_hash)
                where head_hash is null""").execute().map(RowSet::rowCount);
    }

    // ------------------------------------------------------------------------------------------ mapping

    private static StoredBody body(Row row) {
        return new StoredBody(row.getString("body_id"), row.getString("name"), row.getString("country"),
                strings(row, "tiers"), strings(row, "standards"), row.getInteger("accreditation_version"),
                StoredStamp.read(row, ""), bytes(row, "sealed"), row.getString("record_hash"));
    }

    private static StoredResult result(Row row) {
        return new StoredResult(row.getUUID("id"), Content.read(row), row.getUUID("certificate_id"),
                StoredStamp.read(row, ""), bytes(row, "sealed"), row.getString("record_hash"));
    }

    private static StoredCertificate certificate(Row row) {
        return new StoredCertificate(row.getUUID("id"), row.getUUID("result_id"), Content.read(row),
                row.getString("state"), row.getString("state_reason"), row.getString("suspended_by_role"),
                StoredStamp.read(row, ""), StoredStamp.read(row, "changed_"), bytes(row, "sealed"),
                row.getString("record_hash"), row.getString("head_hash"));
    }

    private static StoredAction action(Row row) {
        return new StoredAction(row.getLong("id"), row.getUUID("certificate_id"), row.getString("action"),
                row.getString("state_after"), row.getString("reason"), StoredStamp.read(row, ""),
                row.getString("previous_hash"), bytes(row, "sealed"), row.getString("record_hash"));
    }

    private static StoredMark mark(Row row) {
        return new StoredMark(row.getLong("id"), row.getString("robot_id"), row.getString("tier"), instant(row, "since"),
                row.getString("cause"), row.getLong("lifecycle_event_sequence"), row.getString("lifecycle_event_hash"),
                row.getLong("lifecycle_feed_sequence"), instant(row, "marked_at"), instant(row, "cleared_at"),
                row.getUUID("cleared_by_certificate"), bytes(row, "mark_sealed"), row.getString("mark_hash"),
                bytes(row, "clearing_sealed"), row.getString("clearing_hash"));
    }

    private static StoredFeedEntry feedEntry(Row row) {
        return new StoredFeedEntry(row.getLong("sequence"), row.getString("kind"), row.getUUID("certificate_id"),
                row.getString("robot_id"), instant(row, "changed_at"), bytes(row, "body"), row.getString("entry_hash"));
    }

    private static <T> List<T> list(RowSet<Row> rows, Function<Row, T> map) {
        List<T> out = new ArrayList<>();
        rows.forEach(row -> out.add(map.apply(row)));
        return out;
    }

    private static <T> UUID[] uuids(List<T> rows, Function<T, UUID> id) {
        return rows.stream().map(id).filter(x -> x != null).distinct().toArray(UUID[]::new);
    }

    private static Instant instant(Row row, String column) {
        OffsetDateTime at = row.getOffsetDateTime(column);
        return at == null ? null : at.toInstant();
    }

    private static List<String> strings(Row row, String column) {
        String[] values = row.getArrayOfStrings(column);
        return values == null ? null : Arrays.asList(values);
    }

    private static byte[] bytes(Row row, String column) {
        var value = row.getBuffer(column);
        return value == null ? null : value.getBytes();
    }

    /** A stored hex digest as 32 bytes; 32 zero bytes when the column holds no digest (it then fails its seal). */
    static byte[] digest(String hex) {
        byte[] digest = Hex.digestOrNull(hex);
        return digest == null ? new byte[32] : digest;
    }
}
