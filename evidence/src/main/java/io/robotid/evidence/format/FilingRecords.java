package io.robotid.evidence.format;

import io.robotid.evidence.codec.RecordReader;
import io.robotid.evidence.codec.RecordReader.MalformedRecord;
import io.robotid.evidence.codec.RecordWriter;

/**
 * filing-service's sealed records (EVIDENCE.md section 13): a manufacturer's registration, a production
 * site's registration, each revision of a model filing (its submission or amendment), each review of a
 * revision, and a model's withdrawal. Each record's hash is SHA-256 of its encoding; filing-service keeps
 * the bytes and commits the hash to its transparency log in the write's transaction.
 */
public final class FilingRecords {
    public static final String MANUFACTURER_TAG = "robotid-manufacturer-v1";
    public static final String SITE_TAG = "robotid-production-site-v1";
    public static final String REVISION_TAG = "robotid-model-revision-v1";
    public static final String REVIEW_TAG = "robotid-model-review-v1";
    public static final String WITHDRAWAL_TAG = "robotid-model-withdrawal-v1";

    private FilingRecords() {
    }

    /** A manufacturer as registered (its contacts are not sealed: they change, and they are personal data). */
    public record Manufacturer(String code, String legalName, String country, String registrationNumber, Stamp registered) {
    }

    public static byte[] encode(Manufacturer m) {
        RecordWriter w = RecordWriter.tagged(MANUFACTURER_TAG).text(m.code()).text(m.legalName()).text(m.country())
                .text(m.registrationNumber());
        m.registered().writeTo(w);
        return w.toByteArray();
    }

    public static Manufacturer decodeManufacturer(byte[] bytes) throws MalformedRecord {
        RecordReader r = RecordReader.of(bytes, MANUFACTURER_TAG);
        Manufacturer m = new Manufacturer(r.text("code"), r.text("legal_name"), r.text("country"),
                r.text("registration_number"), Stamp.read(r, "registered."));
        r.end();
        return m;
    }

    public record Site(String manufacturerCode, String siteCode, String name, String address, String country,
            Stamp registered) {
    }

    public static byte[] encode(Site s) {
        RecordWriter w = RecordWriter.tagged(SITE_TAG).text(s.manufacturerCode()).text(s.siteCode()).text(s.name())
                .text(s.address()).text(s.country());
        s.registered().writeTo(w);
        return w.toByteArray();
    }

    /**
     * A revision as submitted (revision 1) or amended: the specification as the canonical proto3 JSON of
     * {@code robotid.filing.v1.ModelSpecification} that filing-service stores and serves.
     */
    public record Revision(String filingId, String manufacturerCode, long revision, String reason,
            String intelligenceLevel, String specification, Stamp submitted) {
    }

    public static byte[] encode(Revision v) {
        RecordWriter w = RecordWriter.tagged(REVISION_TAG).text(v.filingId()).text(v.manufacturerCode())
                .integer(v.revision()).text(v.reason()).text(v.intelligenceLevel()).text(v.specification());
        v.submitted().writeTo(w);
        return w.toByteArray();
    }

    public static Revision decodeRevision(byte[] bytes) throws MalformedRecord {
        RecordReader r = RecordReader.of(bytes, REVISION_TAG);
        Revision v = new Revision(r.text("filing_id"), r.text("manufacturer_code"), r.integer("revision"),
                r.text("reason"), r.text("intelligence_level"), r.text("specification"), Stamp.read(r, "submitted."));
        r.end();
        return v;
    }

    /**
     * A regulator's decision on a revision, naming it by hash. {@code modelCode}: the code the model has
     * after the decision (given at its first acceptance; empty while it never was accepted).
     */
    public record Review(String filingId, long revision, byte[] revisionHash, String decision, String reason,
            String modelCode, Stamp reviewed) {
    }

    public static byte[] encode(Review v) {
        RecordWriter w = RecordWriter.tagged(REVIEW_TAG).text(v.filingId()).integer(v.revision())
                .digest(v.revisionHash()).text(v.decision()).text(v.reason()).text(v.modelCode());
        v.reviewed().writeTo(w);
        return w.toByteArray();
    }

    public static Review decodeReview(byte[] bytes) throws MalformedRecord {
        RecordReader r = RecordReader.of(bytes, REVIEW_TAG);
        Review v = new Review(r.text("filing_id"), r.integer("revision"), r.digest("revision_hash"), r.text("decision"),
                r.text("reason"), r.text("model_code"), Stamp.read(r, "reviewed."));
        r.end();
        return v;
    }

    public record Withdrawal(String filingId, String modelCode, String reason, Stamp withdrawn) {
    }

    public static byte[] encode(Withdrawal v) {
        RecordWriter w = RecordWriter.tagged(WITHDRAWAL_TAG).text(v.filingId()).text(v.modelCode()).text(v.reason());
        v.withdrawn().writeTo(w);
        return w.toByteArray();
    }
}
