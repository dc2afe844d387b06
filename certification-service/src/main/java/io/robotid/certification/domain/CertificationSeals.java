package io.robotid.certification.domain;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import io.robotid.evidence.codec.Hex;
import io.robotid.evidence.codec.Sha256;
import io.robotid.evidence.format.CertificationRecords;

/**
 * Seals certification records as they are written (EVIDENCE.md section 6): each entity gets its record
 * (the exact bytes) and the record's SHA-256 in hex, in the transaction that stores it.
 */
public final class CertificationSeals {
    /** The lifecycle event hash of marks made before lifecycle feed entries carried event hashes. */
    public static final String UNKNOWN_EVENT_HASH = "0".repeat(64);

    private CertificationSeals() {
    }

    /** A record and its SHA-256 (hex). */
    public record Sealed(byte[] record, String hash) {
        public static Sealed of(byte[] record) {
            return new Sealed(record, CertificationSeals.hash(record));
        }
    }

    public static String hash(byte[] record) {
        return Hex.of(Sha256.of(record));
    }

    /** A stored hex digest as the 32 bytes a record holds. */
    public static byte[] digest(String hex) {
        return Hex.parse(hex);
    }

    public static void seal(CertificationBody b) {
        Sealed s = Sealed.of(CertificationRecords.encode(new CertificationRecords.Body(b.bodyId, b.name, b.country,
                Arrays.asList(b.tiers), Arrays.asList(b.standards), b.accreditationVersion, b.accredited.sealable())));
        b.sealed = s.record();
        b.recordHash = s.hash();
    }

    public static void seal(TestResultRecord r) {
        Sealed s = Sealed.of(CertificationRecords.encode(new CertificationRecords.TestResult(r.id.toString(), r.subject,
                r.subjectKind.name(), r.modelCode, r.manufacturerCode, r.bodyId, r.tier.name(), Arrays.asList(r.standards),
                r.testDate, r.outcome.name(), conditions(r.conditions), r.reportUri, r.reportSha256, r.validFrom,
                r.validUntil, r.certificateId == null ? "" : r.certificateId.toString(), r.submitted.sealable())));
        r.sealed = s.record();
        r.recordHash = s.hash();
    }

    /** Seals a certificate as issued: its chain's head is the certificate itself. */
    public static void seal(CertificateRecord c, String resultHash) {
        Sealed s = Sealed.of(CertificationRecords.encode(new CertificationRecords.Certificate(c.id.toString(),
                c.resultId.toString(), digest(resultHash), c.validFrom, c.validUntil, c.issued.sealable())));
        c.sealed = s.record();
        c.recordHash = s.hash();
        c.headHash = s.hash();
    }

    /** Seals an action as the next link of its certificate's chain, after {@code previousHash}. */
    public static void seal(CertificateAction a, String previousHash, String suspendedByRoleAfter) {
        Sealed s = Sealed.of(CertificationRecords.encode(new CertificationRecords.Action(a.certificateId.toString(),
                digest(previousHash), a.action.name(), a.stateAfter.name(), a.reason, suspendedByRoleAfter,
                a.stamp.sealable())));
        a.previousHash = previousHash;
        a.sealed = s.record();
        a.recordHash = s.hash();
    }

    public static void seal(RevalidationMark m) {
        Sealed s = Sealed.of(CertificationRecords.encode(new CertificationRecords.Mark(m.robotId, m.tier.name(), m.since,
                m.cause, m.lifecycleEventSequence, digest(m.lifecycleEventHash), m.lifecycleFeedSequence, m.markedAt)));
        m.markSealed = s.record();
        m.markHash = s.hash();
    }

    /** Clears a sealed mark: by the certificate of a passing unit-level test, sealed with the mark's hash. */
    public static void clear(RevalidationMark m, Instant clearedAt, UUID certificateId) {
        Sealed s = Sealed.of(CertificationRecords.encode(new CertificationRecords.Clearing(digest(m.markHash), clearedAt,
                certificateId.toString())));
        m.clearedAt = clearedAt;
        m.clearedByCertificate = certificateId;
        m.clearingSealed = s.record();
        m.clearingHash = s.hash();
    }

    /** The seal of a certification feed entry (6.6); {@code body} as stored. */
    public static String feedEntry(long sequence, String kind, String certificateId, String robotId, Instant changedAt,
            byte[] body) {
        return hash(CertificationRecords.encode(new CertificationRecords.FeedEntry(sequence, kind, certificateId, robotId,
                changedAt, body)));
    }

    /** Operating conditions exactly as the columns hold them (EVIDENCE.md 6.2 fields 11-17). */
    public static CertificationRecords.Conditions conditions(StoredConditions c) {
        return new CertificationRecords.Conditions(c.hasConditions, c.maxSpeedMPerS, c.maxPayloadKg,
                c.environment == null ? "" : c.environment.name(), c.peopleNearbyAllowed,
                c.taskCategories == null ? null : List.of(c.taskCategories));
    }
}
