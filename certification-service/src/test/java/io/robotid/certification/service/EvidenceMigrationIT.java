package io.robotid.certification.service;

import io.robotid.testkit.Filings;
import static io.robotid.certification.support.Lifecycle.*;
import static io.robotid.certification.support.Registry.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.google.protobuf.InvalidProtocolBufferException;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.robotid.certification.support.Registry;
import io.robotid.certification.support.RegistryProcesses;
import io.robotid.proto.certification.v1.*;
import io.robotid.proto.lifecycle.v1.ComponentCategory;
import io.robotid.testkit.Tokens;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Records stored before certification records were sealed (their seal columns empty, as migration V2 leaves
 * them) are sealed once by the start-up migration, which says so in evidence_migration, and verify from
 * then on; a mark made before feed entries carried event hashes names its event with 64 zeros, and feed
 * entries written before carry no hashes in their certificates (they are compared without).
 */
@QuarkusTest
@QuarkusTestResource(RegistryProcesses.class)
class EvidenceMigrationIT {
    static Registry registry;

    @Inject
    EvidenceMigration migration;
    @Inject
    Pool database;

    @BeforeAll
    static void connect() {
        registry = new Registry();
    }

    @AfterAll
    static void disconnect() throws InterruptedException {
        registry.close();
    }

    @Test
    void recordsStoredBeforeSealsAreSealedOnceAndVerifyFromThenOn() {
        Filings.Maker maker = registry.maker(1);
        String model = maker.modelCode();
        String robot = maker.robots().get(0);
        String body = registry.accredit(Tier.TIER_BASE_SAFETY, Tier.TIER_MOBILITY);
        Certificate certificate = registry.as(body(body)).submitTestResult(pass(model, Tier.TIER_MOBILITY).build())
                .getCertificate();
        registry.as(body(body)).submitTestResult(pass(model, Tier.TIER_BASE_SAFETY).setOutcome(Outcome.OUTCOME_FAIL)
                .clearValidity().build());
        for (int i = 0; i < 2; i++) {
            registry.as(Tokens.regulator()).suspendCertificate(SuspendCertificateRequest.newBuilder()
                    .setRequestId(requestId()).setCertificateId(certificate.getCertificateId()).setReason("check").build());
            registry.as(Tokens.regulator()).reinstateCertificate(ReinstateCertificateRequest.newBuilder()
                    .setRequestId(requestId()).setCertificateId(certificate.getCertificateId()).setReason("ok").build());
        }
        registry.lifecycle(maker.token()).recordEvent(event(robot, produced()));
        registry.lifecycle(Tokens.role("SERVICE_PROVIDER")).recordEvent(event(robot, replaced(
                part("BAT-9", ComponentCategory.COMPONENT_CATEGORY_BATTERY, true),
                part("BAT-10", ComponentCategory.COMPONENT_CATEGORY_BATTERY, true))));
        await("the change is marked", () -> !needs(robot).isEmpty());
        Instant since = instant(needs(robot).get(0).getSince());
        registry.as(body(body)).submitTestResult(pass(robot, Tier.TIER_BASE_SAFETY).setTestDate(ts(since)).build());
        assertThat(verify(model).getIntact()).isTrue();
        assertThat(verify(robot).getIntact()).isTrue();

        unseal(model, robot, body);
        VerifyRecordsResponse unsealed = verify(model);
        assertThat(unsealed.getIntact()).isFalse();
        assertThat(unsealed.getDiscrepanciesList()).anyMatch(d -> d.getColumn().equals("record_hash")
                && d.getProblem().startsWith("missing"));
        Map<String, Long> before = migrated();

        migration.sealStoredBefore().await().atMost(Duration.ofMinutes(1));

        for (String subject : List.of(model, robot)) {
            VerifyRecordsResponse answer = verify(subject);
            assertThat(answer.getDiscrepanciesList()).as(subject).isEmpty();
            assertThat(answer.getIntact()).isTrue();
        }
        assertThat(registry.anonymous().verifyRecords(VerifyRecordsRequest.newBuilder().setBodyId(body).build())
                .getIntact()).isTrue();
        Map<String, Long> after = migrated();
        // the body; three results; two certificates; four actions; one mark and its clearing; eight feed entries
        Map<String, Long> expected = Map.of("robotid-certification-body-v1: certification_body", 1L,
                "robotid-test-result-v1: test_result", 3L, "robotid-certificate-v1: certificate", 2L,
                "robotid-certificate-action-v1: certificate_action", 4L,
                "robotid-revalidation-mark-v1: revalidation_mark", 1L,
                "robotid-revalidation-clearing-v1: revalidation_mark", 1L,
                "robotid-certification-feed-v1: certification_feed", 8L);
        expected.forEach((what, records) -> assertThat(after.getOrDefault(what, 0L) - before.getOrDefault(what, 0L))
                .as(what).isEqualTo(records));
        assertThat(database.preparedQuery("select lifecycle_event_hash from revalidation_mark where robot_id = $1")
                .execute(Tuple.of(robot)).await().atMost(Duration.ofSeconds(10)).iterator().next()
                .getString("lifecycle_event_hash")).isEqualTo("0".repeat(64));

        // nothing is left to seal: a second start records nothing
        migration.sealStoredBefore().await().atMost(Duration.ofMinutes(1));
        assertThat(migrated()).isEqualTo(after);
    }

    /** Empties the seal columns of these records, as the database held them before seals. */
    void unseal(String model, String robot, String body) {
        String[] subjects = { model, robot };
        String certificates = "(select id from certificate where certified_subject = any($1))";
        for (String sql : List.of(
                "update certification_body set sealed = null, record_hash = null where body_id = any($1)",
                "update test_result set sealed = null, record_hash = null where certified_subject = any($1)",
                "update certificate set sealed = null, record_hash = null, head_hash = null where certified_subject = any($1)",
                "update certificate_action set previous_hash = null, sealed = null, record_hash = null where certificate_id in "
                        + certificates,
                "update revalidation_mark set lifecycle_event_hash = null, mark_sealed = null, mark_hash = null,"
                        + " clearing_sealed = null, clearing_hash = null where robot_id = any($1)",
                "update certification_feed set entry_hash = null where robot_id = any($1) or certificate_id in " + certificates)) {
            String[] parameter = sql.startsWith("update certification_body") ? new String[] { body } : subjects;
            database.preparedQuery(sql).execute(Tuple.of(parameter)).await().atMost(Duration.ofSeconds(10));
        }
        // feed entries written before carry no hashes in their certificate
        database.preparedQuery("select sequence, body from certification_feed where certificate_id in " + certificates)
                .execute(Tuple.of(subjects)).await().atMost(Duration.ofSeconds(10)).forEach(row -> {
                    try {
                        var entry = WatchCertificationChangesResponse.parseFrom(row.getBuffer("body").getBytes());
                        var before = entry.toBuilder().setCertificate(entry.getCertificate().toBuilder()
                                .clearRecordSha256().clearHeadSha256()).build();
                        database.preparedQuery("update certification_feed set body = $2 where sequence = $1")
                                .execute(Tuple.of(row.getLong("sequence"), Buffer.buffer(before.toByteArray())))
                                .await().atMost(Duration.ofSeconds(10));
                    } catch (InvalidProtocolBufferException e) {
                        throw new AssertionError(e);
                    }
                });
    }

    /** Records sealed by migrations so far, by what. */
    Map<String, Long> migrated() {
        Map<String, Long> out = new HashMap<>();
        database.query("select what, sum(records) as records from evidence_migration group by what").execute()
                .await().atMost(Duration.ofSeconds(10))
                .forEach(row -> out.put(row.getString("what"), row.getLong("records")));
        return out;
    }

    static VerifyRecordsResponse verify(String subject) {
        return registry.anonymous().verifyRecords(VerifyRecordsRequest.newBuilder().setSubject(subject).build());
    }

    static List<RevalidationNeed> needs(String robot) {
        return registry.as(Tokens.auditor()).getEffectiveCertifications(GetEffectiveCertificationsRequest.newBuilder()
                .setRobotId(robot).build()).getNeedsRevalidationList();
    }
}
