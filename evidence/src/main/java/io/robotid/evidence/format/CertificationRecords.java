package io.robotid.evidence.format;

import java.time.Instant;
import java.util.List;

import io.robotid.evidence.codec.RecordWriter;

/**
 * certification-service's sealed records (EVIDENCE.md section 6): accreditations, test results,
 * certificates, the chain of each certificate's suspensions, reinstatements and revocations, re-validation
 * marks and their clearing, and feed entries. Each record's hash is SHA-256 of its encoding; the service
 * stores it with the row and its verification recomputes it, and every column that copies another record
 * (a certificate's subject, tier, conditions...) is compared with that record.
 */
public final class CertificationRecords {
    public static final String BODY_TAG = "robotid-certification-body-v1";
    public static final String RESULT_TAG = "robotid-test-result-v1";
    public static final String CERTIFICATE_TAG = "robotid-certificate-v1";
    public static final String ACTION_TAG = "robotid-certificate-action-v1";
    public static final String MARK_TAG = "robotid-revalidation-mark-v1";
    public static final String CLEARING_TAG = "robotid-revalidation-clearing-v1";
    public static final String FEED_TAG = "robotid-certification-feed-v1";

    private CertificationRecords() {
    }

    public record Body(String bodyId, String name, String country, List<String> tiers, List<String> standards,
            long accreditationVersion, Stamp accredited) {
    }

    public static byte[] encode(Body b) {
        RecordWriter w = RecordWriter.tagged(BODY_TAG).text(b.bodyId()).text(b.name()).text(b.country())
                .textList(b.tiers()).textList(b.standards()).integer(b.accreditationVersion());
        b.accredited().writeTo(w);
        return w.toByteArray();
    }

    /**
     * Operating conditions as posted: {@code present} false means none were given (no limits), and then
     * every other field is absent. {@code taskCategories} null means any task.
     */
    public record Conditions(boolean present, Double maxSpeedMPerS, Double maxPayloadKg, String environment,
            Boolean peopleNearbyAllowed, List<String> taskCategories) {
        public static final Conditions NONE = new Conditions(false, null, null, "", null, null);

        void writeTo(RecordWriter w) {
            w.bool(present).optionalNumber(maxSpeedMPerS).optionalNumber(maxPayloadKg)
                    .text(environment == null ? "" : environment).optionalBool(peopleNearbyAllowed)
                    .bool(taskCategories != null).textList(taskCategories);
        }
    }

    public record TestResult(String resultId, String subject, String subjectKind, String modelCode,
            String manufacturerCode, String bodyId, String tier, List<String> standards, Instant testDate,
            String outcome, Conditions conditions, String reportUri, String reportSha256, Instant validFrom,
            Instant validUntil, String certificateId, Stamp submitted) {
    }

    public static byte[] encode(TestResult r) {
        RecordWriter w = RecordWriter.tagged(RESULT_TAG).text(r.resultId()).text(r.subject()).text(r.subjectKind())
                .text(r.modelCode()).text(r.manufacturerCode()).text(r.bodyId()).text(r.tier())
                .textList(r.standards()).instant(r.testDate()).text(r.outcome());
        r.conditions().writeTo(w);
        w.text(r.reportUri()).text(r.reportSha256()).optionalInstant(r.validFrom()).optionalInstant(r.validUntil())
                .text(r.certificateId() == null ? "" : r.certificateId());
        r.submitted().writeTo(w);
        return w.toByteArray();
    }

    /** Reads a {@code robotid-test-result-v1} record back (a history report's verifier shows what it proves). */
    public static TestResult decodeTestResult(byte[] bytes) throws io.robotid.evidence.codec.RecordReader.MalformedRecord {
        io.robotid.evidence.codec.RecordReader r = io.robotid.evidence.codec.RecordReader.of(bytes, RESULT_TAG);
        String resultId = r.text("result_id");
        String subject = r.text("subject");
        String subjectKind = r.text("subject_kind");
        String modelCode = r.text("model_code");
        String manufacturerCode = r.text("manufacturer_code");
        String bodyId = r.text("body_id");
        String tier = r.text("tier");
        List<String> standards = r.textList("standards");
        Instant testDate = r.instant("test_date");
        String outcome = r.text("outcome");
        boolean present = r.bool("has_conditions");
        Double speed = r.optionalNumber("max_speed_m_per_s");
        Double payload = r.optionalNumber("max_payload_kg");
        String environment = r.text("environment");
        Boolean people = r.optionalBool("people_nearby_allowed");
        boolean hasTasks = r.bool("has_task_categories");
        List<String> tasks = r.textList("task_categories");
        Conditions conditions = new Conditions(present, speed, payload, environment, people, hasTasks ? tasks : null);
        TestResult result = new TestResult(resultId, subject, subjectKind, modelCode, manufacturerCode, bodyId, tier,
                standards, testDate, outcome, conditions, r.text("report_uri"), r.text("report_sha256"),
                r.optionalInstant("valid_from"), r.optionalInstant("valid_until"), r.text("certificate_id"),
                Stamp.read(r, "submitted."));
        r.end();
        return result;
    }

    /** A certificate as issued: the rest of its content is its test result's, which it names by hash. */
    public record Certificate(String certificateId, String resultId, byte[] resultHash, Instant validFrom,
            Instant validUntil, Stamp issued) {
    }

    public static byte[] encode(Certificate c) {
        RecordWriter w = RecordWriter.tagged(CERTIFICATE_TAG).text(c.certificateId()).text(c.resultId())
                .digest(c.resultHash()).instant(c.validFrom()).instant(c.validUntil());
        c.issued().writeTo(w);
        return w.toByteArray();
    }

    /** Reads a {@code robotid-certificate-v1} record back. */
    public static Certificate decodeCertificate(byte[] bytes) throws io.robotid.evidence.codec.RecordReader.MalformedRecord {
        io.robotid.evidence.codec.RecordReader r = io.robotid.evidence.codec.RecordReader.of(bytes, CERTIFICATE_TAG);
        Certificate c = new Certificate(r.text("certificate_id"), r.text("result_id"), r.digest("result_hash"),
                r.instant("valid_from"), r.instant("valid_until"), Stamp.read(r, "issued."));
        r.end();
        return c;
    }

    /**
     * A suspension, reinstatement or revocation, linked to the certificate's previous record (the
     * certificate itself for the first action): the certificate's state at any instant is the fold of
     * this chain, and its row keeps the hash of the last link.
     */
    public record Action(String certificateId, byte[] previousHash, String action, String stateAfter, String reason,
            String suspendedByRoleAfter, Stamp stamp) {
    }

    public static byte[] encode(Action a) {
        RecordWriter w = RecordWriter.tagged(ACTION_TAG).text(a.certificateId()).digest(a.previousHash())
                .text(a.action()).text(a.stateAfter()).text(a.reason())
                .text(a.suspendedByRoleAfter() == null ? "" : a.suspendedByRoleAfter());
        a.stamp().writeTo(w);
        return w.toByteArray();
    }

    /** Reads a {@code robotid-certificate-action-v1} record back. */
    public static Action decodeAction(byte[] bytes) throws io.robotid.evidence.codec.RecordReader.MalformedRecord {
        io.robotid.evidence.codec.RecordReader r = io.robotid.evidence.codec.RecordReader.of(bytes, ACTION_TAG);
        Action a = new Action(r.text("certificate_id"), r.digest("previous_hash"), r.text("action"), r.text("state_after"),
                r.text("reason"), r.text("suspended_by_role_after"), Stamp.read(r, "stamp."));
        r.end();
        return a;
    }

    /** A unit's tier marked for re-validation by a lifecycle feed entry (its event named by hash). */
    public record Mark(String robotId, String tier, Instant since, String cause, long lifecycleEventSequence,
            byte[] lifecycleEventHash, long lifecycleFeedSequence, Instant markedAt) {
    }

    public static byte[] encode(Mark m) {
        return RecordWriter.tagged(MARK_TAG).text(m.robotId()).text(m.tier()).instant(m.since()).text(m.cause())
                .integer(m.lifecycleEventSequence()).digest(m.lifecycleEventHash())
                .integer(m.lifecycleFeedSequence()).instant(m.markedAt()).toByteArray();
    }

    /** A mark cleared by a passing unit-level test's certificate. */
    public record Clearing(byte[] markHash, Instant clearedAt, String certificateId) {
    }

    public static byte[] encode(Clearing c) {
        return RecordWriter.tagged(CLEARING_TAG).digest(c.markHash()).instant(c.clearedAt()).text(c.certificateId())
                .toByteArray();
    }

    /**
     * A feed entry: its sequence, kind, the certificate or robot it is about, when, and the
     * {@code robotid.certification.v1.WatchCertificationChangesResponse} bytes as stored (without sequence).
     */
    public record FeedEntry(long sequence, String kind, String certificateId, String robotId, Instant changedAt,
            byte[] body) {
    }

    public static byte[] encode(FeedEntry f) {
        return RecordWriter.tagged(FEED_TAG).integer(f.sequence()).text(f.kind())
                .text(f.certificateId() == null ? "" : f.certificateId()).text(f.robotId() == null ? "" : f.robotId())
                .instant(f.changedAt()).bytes(f.body()).toByteArray();
    }
}
