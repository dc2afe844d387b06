package io.robotid.certification.grpc;

import io.robotid.testkit.Filings;
import static io.robotid.certification.support.Lifecycle.*;
import static io.robotid.certification.support.Registry.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.robotid.certification.service.LifecycleFollower;
import io.robotid.certification.support.Registry;
import io.robotid.certification.support.RegistryProcesses;
import io.robotid.proto.certification.v1.*;
import io.robotid.proto.common.v1.Discrepancy;
import io.robotid.proto.lifecycle.v1.ComponentCategory;
import io.robotid.testkit.Tokens;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Every column of every row that holds a realistic set of certification records is changed in turn,
 * directly in PostgreSQL (committed; foreign keys not enforced, as for someone with the database's
 * owner rights), and VerifyRecords must name the table and the column (or, when the row's key changed,
 * the row); the value is restored and everything verifies again. The columns are read from
 * information_schema: a column added later is changed too, unless it is listed in {@link #OUTSIDE}
 * with the reason it is outside the seals.
 *
 * <p>The records: a model's PASS (suspended, reinstated, revoked), PASS_WITH_CONDITIONS and FAIL; on one
 * robot a mark from a safety-relevant battery replacement cleared by a later passing unit-level test,
 * then a second mark left open; on another robot a mark cleared when it was made (its unit-level test
 * was posted before the change reached this service); their feed entries.
 */
@QuarkusTest
@QuarkusTestResource(RegistryProcesses.class)
class RecordTamperingIT {
    /** Columns no seal covers, and why. The test fails if a column of these tables is in neither place. */
    static final Map<String, String> OUTSIDE = Map.of(
            "test_result.seq", "insertion counter for paging (ListTestResults page tokens); no answer shows it",
            "certificate.seq", "insertion counter for paging (ListCertificates page tokens); no answer shows it",
            "certificate_action.id", "row number: a chain's order is its previous_hash links, which VerifyRecords walks",
            "revalidation_mark.id", "row number: a mark is identified by its sealed robot, tier and lifecycle feed sequence");
    static final Map<String, String> KEYS = Map.of("certification_body", "body_id", "test_result", "id", "certificate", "id",
            "certificate_action", "id", "revalidation_mark", "id", "certification_feed", "sequence");
    static final List<String> TABLES = List.of("certification_body", "test_result", "certificate", "certificate_action",
            "revalidation_mark", "certification_feed");
    static final String SERVICE = Tokens.role("SERVICE_PROVIDER");

    static Registry registry;
    static Filings.Maker maker;
    static String body;
    static String model;
    static String robot;
    static String robot2;

    @Inject
    Pool database;
    @Inject
    LifecycleFollower follower;

    @BeforeAll
    static void connect() {
        registry = new Registry();
    }

    @AfterAll
    static void disconnect() throws InterruptedException {
        registry.close();
    }

    /**
     * A column of a table: its name, its SQL type as PostgreSQL spells it (for casts), and whether it is
     * an identity column (never updated in place: changed by writing the row again under another number).
     */
    record Column(String table, String name, String type, boolean identity) {
        String qualified() {
            return table + "." + name;
        }
    }

    @Test
    void everyChangedColumnIsNamedAndEveryRestoredOneVerifiesAgain() {
        records();
        List<Column> columns = columns();
        for (String outside : OUTSIDE.keySet()) {
            assertThat(columns).as("OUTSIDE names a column that exists").extracting(Column::qualified).contains(outside);
        }
        assertThat(verifyAll()).as("the records as written").allMatch(VerifyRecordsResponse::getIntact);

        int changed = 0;
        for (String table : TABLES) {
            List<String> keys = keys(table);
            assertThat(keys).as("rows of " + table).isNotEmpty();
            for (String key : keys) {
                for (Column column : columns) {
                    if (column.table().equals(table) && !OUTSIDE.containsKey(column.qualified())) {
                        tamper(column, key);
                        changed++;
                    }
                }
            }
        }
        assertThat(changed).isGreaterThan(300);
    }

    /**
     * Every sealed record is committed to certification-service's transparency log in its own
     * transaction; a FAIL test result deleted from PostgreSQL stays provable from the log (EVIDENCE.md
     * section 11), so its disappearance is seen.
     */
    @Test
    void everySealedRecordIsInTheLogAndADeletedFailStaysProvable() throws Exception {
        Filings.Maker m = registry.maker(1);
        String b = registry.accredit(Tier.TIER_BASE_SAFETY);
        TestResult fail = registry.as(body(b)).submitTestResult(pass(m.modelCode(), Tier.TIER_BASE_SAFETY)
                .setOutcome(Outcome.OUTCOME_FAIL).clearValidity().build()).getResult();
        String id = fail.getResultId();
        String storedHash = one("select record_hash from test_result where id::text = $1", id).getString("record_hash");
        var log = io.robotid.proto.tlog.v1.TransparencyLogServiceGrpc.newBlockingStub(registry.channel())
                .withDeadlineAfter(30, java.util.concurrent.TimeUnit.SECONDS);
        io.robotid.evidence.tlog.WitnessPolicy logOnly = io.robotid.evidence.tlog.WitnessPolicy.parse("log "
                + log.getLogInfo(io.robotid.proto.tlog.v1.GetLogInfoRequest.getDefaultInstance()).getVkey() + "\nquorum none\n");
        var regulator = log.withInterceptors(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(bearer(Tokens.regulator())));
        var request = io.robotid.proto.tlog.v1.GetRecordEvidenceRequest.newBuilder().setRecordKey("result/" + id).build();
        io.robotid.proto.tlog.v1.GetRecordEvidenceResponse evidence = null;
        for (int i = 0; i < 200 && evidence == null; i++) {
            try {
                evidence = regulator.getRecordEvidence(request);
            } catch (io.grpc.StatusRuntimeException e) {
                assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.NOT_FOUND);
                Thread.sleep(25);
            }
        }
        assertThat(evidence).as("the FAIL result's evidence").isNotNull();
        assertThat(io.robotid.evidence.codec.Hex.of(evidence.getRecordHash().toByteArray())).isEqualTo(storedHash);
        io.robotid.evidence.tlog.RecordProofs.verify(logOnly, evidence.getTlogProof(), "test-result",
                evidence.getSalt().toByteArray(), io.robotid.evidence.codec.Hex.parse(storedHash));

        // every sealed row of every table has its leaf, committing to its seal
        for (String table : List.of("certification_body", "test_result", "certificate", "certificate_action")) {
            assertThat(one("select count(*) as n from " + table + " t where t.record_hash is not null and not exists"
                    + " (select 1 from tlog_leaf l where l.record_hash = decode(t.record_hash, 'hex'))").getLong("n"))
                    .as(table + " rows without their leaf").isZero();
        }
        // the FAIL result deleted: the log still proves it was recorded
        database.query("create table if not exists kept_result_it (like test_result)").execute().await().indefinitely();
        one("with gone as (delete from test_result where id::text = $1 returning *) insert into kept_result_it select * from gone"
                + " returning id", id);
        try {
            assertThat(registry.anonymous().verifyRecords(VerifyRecordsRequest.newBuilder().setSubject(m.modelCode()).build())
                    .getIntact())
                    .as("without the log, the deletion leaves no trace in the records").isTrue();
            io.robotid.evidence.tlog.RecordProofs.verify(logOnly, regulator.getRecordEvidence(request).getTlogProof(),
                    "test-result", evidence.getSalt().toByteArray(), io.robotid.evidence.codec.Hex.parse(storedHash));
        } finally {
            one("with back as (delete from kept_result_it returning *) insert into test_result overriding system value select * from back"
                    + " returning id");
            database.query("drop table kept_result_it").execute().await().indefinitely();
        }
    }

    /** Changes one column of one row, expects it named, restores it, expects all intact. */
    void tamper(Column column, String key) {
        String keyColumn = KEYS.get(column.table());
        String original = one("select " + column.name() + "::text as value from " + column.table() + " where " + keyColumn
                + "::text = $1", key).getString("value");
        String changedKey = set(column, mutation(column), key);

        List<Discrepancy> found = new ArrayList<>();
        verifyAll().forEach(answer -> found.addAll(answer.getDiscrepanciesList()));
        String what = column.qualified() + " of " + keyColumn + "=" + key + " (" + original + " changed)";
        boolean keyChanged = column.name().equals(keyColumn);
        assertThat(found).as(what + " is named: " + found).anyMatch(d -> d.getTable().equals(column.table())
                && (d.getColumn().equals(column.name()) || keyChanged));

        set(column, original == null ? "null" : "cast('" + original.replace("'", "''") + "'::text as " + column.type() + ")",
                changedKey);
        List<VerifyRecordsResponse> restored = verifyAll();
        assertThat(restored).as(what + " restored").allMatch(VerifyRecordsResponse::getIntact);
    }

    /** Sets a column of the row with that key to an SQL expression; answers the row's key afterwards. */
    String set(Column column, String expression, String key) {
        String table = column.table();
        String keyColumn = KEYS.get(table);
        if (!column.identity()) {
            return one("update " + table + " set " + column.name() + " = " + expression + " where " + keyColumn
                    + "::text = $1 returning " + keyColumn + "::text as key", key).getString("key");
        }
        List<String> names = columns().stream().filter(c -> c.table().equals(table)).map(Column::name).toList();
        String values = String.join(", ", names.stream().map(n -> n.equals(column.name()) ? expression : n).toList());
        return one("with old as (delete from " + table + " where " + keyColumn + "::text = $1 returning *) insert into "
                + table + " (" + String.join(", ", names) + ") overriding system value select " + values
                + " from old returning " + keyColumn + "::text as key", key).getString("key");
    }

    /**
     * A different value of the column's type. Columns a subject's records are found by move the row to
     * another subject of the set (both are verified); a text key of a body gets a valid body id.
     */
    String mutation(Column c) {
        String name = c.name();
        switch (c.qualified()) {
            case "test_result.certified_subject", "certificate.certified_subject":
                return "case when " + name + " = '" + model + "' then '" + robot + "' else '" + model + "' end";
            case "revalidation_mark.robot_id", "certification_feed.robot_id":
                return "case when " + name + " = '" + robot + "' then '" + robot2 + "' else '" + robot + "' end";
            case "certification_feed.body":
                // still a WatchCertificationChangesResponse, with one field more (unknown field 15 = 1)
                return name + " || '\\x7801'::bytea";
            default:
                break;
        }
        String type = c.type();
        if (type.startsWith("character(")) {
            // the same length, still hex for a digest: the seal is what must notice
            return "coalesce(overlay(" + name + " placing (case when right(" + name + ", 1) = '0' then '1' else '0' end)"
                    + " from char_length(" + name + ") for 1), repeat('0', " + type.replaceAll("\\D", "") + "))";
        }
        return switch (type) {
            case "text" -> "coalesce(" + name + " || 'X', 'X')";
            case "text[]" -> "coalesce(" + name + ", '{}') || '{tampered}'::text[]";
            case "uuid" -> "gen_random_uuid()";
            case "bigint", "integer" -> name + " + 100000";
            case "boolean" -> "coalesce(not " + name + ", true)";
            case "double precision" -> "coalesce(" + name + ", 0) + 1.5";
            case "timestamp with time zone" -> "coalesce(" + name + ", now()) + interval '1 second'";
            case "bytea" -> "coalesce(" + name + ", ''::bytea) || '\\x00'::bytea";
            default -> throw new AssertionError("no mutation for " + c.qualified() + " of type " + type);
        };
    }

    /** Every column of the tables, with its type, from the database's own catalogue. */
    List<Column> columns() {
        List<Column> out = new ArrayList<>();
        database.preparedQuery("""
                select c.table_name, c.column_name, format_type(a.atttypid, a.atttypmod) as type,
                       c.is_identity = 'YES' as identity
                from information_schema.columns c
                join pg_attribute a on a.attrelid = (c.table_schema || '.' || c.table_name)::regclass
                                   and a.attname = c.column_name
                where c.table_schema = current_schema() and c.table_name = any($1)
                order by c.table_name, c.ordinal_position""")
                .execute(Tuple.of(TABLES.toArray(String[]::new))).await().atMost(Duration.ofSeconds(10))
                .forEach(row -> out.add(new Column(row.getString("table_name"), row.getString("column_name"),
                        row.getString("type"), row.getBoolean("identity"))));
        assertThat(out).extracting(Column::table).containsAll(TABLES);
        return out;
    }

    /** The keys (as text) of the rows of the record set in {@code table}. */
    List<String> keys(String table) {
        String certificates = "(select id from certificate where certified_subject = any($1))";
        String sql = switch (table) {
            case "certification_body" -> "select body_id as key from certification_body where body_id = any($1)";
            case "test_result" -> "select id::text as key from test_result where certified_subject = any($1)";
            case "certificate" -> "select id::text as key from certificate where certified_subject = any($1)";
            case "certificate_action" -> "select id::text as key from certificate_action where certificate_id in "
                    + certificates;
            case "revalidation_mark" -> "select id::text as key from revalidation_mark where robot_id = any($1)";
            case "certification_feed" -> "select sequence::text as key from certification_feed where robot_id = any($1)"
                    + " or certificate_id in " + certificates;
            default -> throw new AssertionError(table);
        };
        String[] owners = table.equals("certification_body") ? new String[] { body } : new String[] { model, robot, robot2 };
        List<String> out = new ArrayList<>();
        database.preparedQuery(sql + " order by 1").execute(Tuple.of(owners)).await().atMost(Duration.ofSeconds(10))
                .forEach(row -> out.add(row.getString("key")));
        return out;
    }

    /** Runs one statement in its own committed transaction, foreign keys not enforced; answers its one row. */
    Row one(String sql, Object... parameters) {
        return database.withTransaction(c -> c.query("set local session_replication_role = replica").execute()
                .chain(() -> c.preparedQuery(sql).execute(Tuple.from(Arrays.asList(parameters)))))
                .await().atMost(Duration.ofSeconds(10)).iterator().next();
    }

    /** VerifyRecords of every subject of the set, the body, and the id a changed body id gets. */
    static List<VerifyRecordsResponse> verifyAll() {
        List<VerifyRecordsResponse> out = new ArrayList<>();
        for (String subject : List.of(model, robot, robot2)) {
            out.add(registry.anonymous().verifyRecords(VerifyRecordsRequest.newBuilder().setSubject(subject).build()));
        }
        for (String bodyId : List.of(body, body + "X")) {
            out.add(registry.anonymous().verifyRecords(VerifyRecordsRequest.newBuilder().setBodyId(bodyId).build()));
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------ the records

    void records() {
        maker = registry.maker(2);
        model = maker.modelCode();
        robot = maker.robots().get(0);
        robot2 = maker.robots().get(1);
        body = registry.accredit(Tier.TIER_BASE_SAFETY, Tier.TIER_MOBILITY, Tier.TIER_MANIPULATION);
        for (String r : maker.robots()) {
            registry.lifecycle(maker.token()).recordEvent(event(r, produced()));
        }
        var asBody = registry.as(body(body));
        Certificate base = asBody.submitTestResult(pass(model, Tier.TIER_BASE_SAFETY).build()).getCertificate();
        asBody.submitTestResult(pass(model, Tier.TIER_MOBILITY).setOutcome(Outcome.OUTCOME_PASS_WITH_CONDITIONS)
                .setConditions(conditions(1.2, 15, Environment.ENVIRONMENT_INDOOR_ONLY, false, "retail", "logistics"))
                .build());
        asBody.submitTestResult(pass(model, Tier.TIER_MANIPULATION).setOutcome(Outcome.OUTCOME_FAIL).clearValidity().build());
        var regulator = registry.as(Tokens.regulator());
        regulator.suspendCertificate(SuspendCertificateRequest.newBuilder().setRequestId(requestId())
                .setCertificateId(base.getCertificateId()).setReason("field incident").build());
        regulator.reinstateCertificate(ReinstateCertificateRequest.newBuilder().setRequestId(requestId())
                .setCertificateId(base.getCertificateId()).setReason("incident closed").build());
        asBody.revokeCertificate(RevokeCertificateRequest.newBuilder().setRequestId(requestId())
                .setCertificateId(base.getCertificateId()).setReason("report withdrawn").build());

        // robot: a mark cleared by a later passing unit-level test, then a mark left open
        replaceBattery(robot, "BAT-9", "BAT-10");
        await("the first battery change is marked", () -> needs(robot).size() == 1);
        Instant since = instant(needs(robot).get(0).getSince());
        asBody.submitTestResult(pass(robot, Tier.TIER_BASE_SAFETY).setTestDate(ts(since)).build());
        assertThat(needs(robot)).isEmpty();
        replaceBattery(robot, "BAT-10", "BAT-11");
        await("the second battery change is marked", () -> needs(robot).size() == 1);

        // robot2: its unit-level test is posted before the change reaches this service: cleared when marked
        follower.stop();
        try {
            replaceBattery(robot2, "BAT-9", "BAT-12");
            Instant tested = Instant.now().truncatedTo(ChronoUnit.MICROS);
            asBody.submitTestResult(pass(robot2, Tier.TIER_BASE_SAFETY).setTestDate(ts(tested)).build());
        } finally {
            follower.start();
        }
        await("robot2's change is marked, cleared at once", () -> markedAndCleared(robot2));
    }

    static void replaceBattery(String robotId, String from, String to) {
        registry.lifecycle(SERVICE).recordEvent(event(robotId, replaced(
                part(from, ComponentCategory.COMPONENT_CATEGORY_BATTERY, true),
                part(to, ComponentCategory.COMPONENT_CATEGORY_BATTERY, true))));
    }

    static List<RevalidationNeed> needs(String robotId) {
        return registry.as(Tokens.auditor()).getEffectiveCertifications(GetEffectiveCertificationsRequest.newBuilder()
                .setRobotId(robotId).build()).getNeedsRevalidationList();
    }

    boolean markedAndCleared(String robotId) {
        return database.preparedQuery("select count(*) from revalidation_mark where robot_id = $1 and cleared_at = marked_at")
                .execute(Tuple.of(robotId)).await().atMost(Duration.ofSeconds(10)).iterator().next().getLong(0) == 1;
    }

}
