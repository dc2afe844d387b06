package io.robotid.filing.domain;

import io.robotid.evidence.codec.Sha256;
import io.robotid.evidence.format.FilingRecords;
import io.robotid.kit.tlog.TransparencyLog;

/**
 * What filing-service seals and logs for each write (EVIDENCE.md sections 11 and 13): the record's bytes,
 * its kind and its key in the transparency log.
 */
public final class FilingSeals {
    public static final String MANUFACTURER = "manufacturer";
    public static final String SITE = "production-site";
    public static final String REVISION = "model-revision";
    public static final String REVIEW = "model-review";
    public static final String WITHDRAWAL = "model-withdrawal";

    private FilingSeals() {
    }

    /** A sealed record: kept in {@code filing_record}, its hash committed by its leaf. */
    public record Sealed(String kind, String key, byte[] record) {
        public byte[] hash() {
            return Sha256.of(record);
        }

        public TransparencyLog.Leaf leaf() {
            return new TransparencyLog.Leaf(kind, key, hash());
        }
    }

    /** {@code manufacturer/<code>} */
    public static Sealed of(Manufacturer m) {
        return new Sealed(MANUFACTURER, "manufacturer/" + m.code, FilingRecords.encode(new FilingRecords.Manufacturer(
                m.code, m.legalName, m.country, m.registrationNumber, m.registered.sealable())));
    }

    /** {@code site/<manufacturer>/<site>} */
    public static Sealed of(ProductionSite s) {
        return new Sealed(SITE, "site/" + s.manufacturerCode + "/" + s.siteCode, FilingRecords.encode(
                new FilingRecords.Site(s.manufacturerCode, s.siteCode, s.name, s.address, s.country, s.registered.sealable())));
    }

    /** {@code filing/<filing ID>/revision/<n>}: a revision as submitted or amended. */
    public static Sealed of(ModelRevision r, String manufacturerCode) {
        return new Sealed(REVISION, revisionKey(r), FilingRecords.encode(revision(r, manufacturerCode)));
    }

    /** {@code filing/<filing ID>/revision/<n>/review}: the review just made of a revision. */
    public static Sealed review(ModelRevision r, String manufacturerCode, String modelCode) {
        byte[] revisionHash = Sha256.of(FilingRecords.encode(revision(r, manufacturerCode)));
        return new Sealed(REVIEW, revisionKey(r) + "/review", FilingRecords.encode(new FilingRecords.Review(
                r.filingId.toString(), r.revision, revisionHash, r.state.name(), r.reviewReason,
                modelCode == null ? "" : modelCode, r.reviewed.sealable())));
    }

    /** {@code filing/<filing ID>/withdrawal} */
    public static Sealed withdrawal(ModelFiling f) {
        return new Sealed(WITHDRAWAL, "filing/" + f.id + "/withdrawal", FilingRecords.encode(new FilingRecords.Withdrawal(
                f.id.toString(), f.modelCode == null ? "" : f.modelCode, f.statusReason, f.lastChanged.sealable())));
    }

    private static FilingRecords.Revision revision(ModelRevision r, String manufacturerCode) {
        return new FilingRecords.Revision(r.filingId.toString(), manufacturerCode, r.revision, r.reason,
                "INTELLIGENCE_LEVEL_" + r.intelligenceLevel.name(), r.specificationJson, r.submitted.sealable());
    }

    static String revisionKey(ModelRevision r) {
        return "filing/" + r.filingId + "/revision/" + r.revision;
    }
}
