package io.robotid.evidence.tlog;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.robotid.evidence.codec.RecordReader;
import io.robotid.evidence.codec.Sha256;
import io.robotid.evidence.format.CertificationRecords;
import io.robotid.evidence.format.FilingRecords;
import io.robotid.evidence.format.IdentityCertificates;
import io.robotid.evidence.format.LifecycleEvents;

/**
 * Builds the entries of a robot history report and verifies a whole report offline (EVIDENCE.md
 * section 12): every record's tlog-proof under the witness policy, every shown record's hash and
 * salted commitment, that every shown record is about this robot (or its model and manufacturer), the
 * event chain's links between shown events, shown payloads against their commitments, each certificate
 * against its test result, each review against its revision, and each summary against its record.
 */
public final class HistoryReports {
    public static final String WITHHELD = "withheld: the reader may not see this record; its log entry (a salted"
            + " commitment to it) is proven";
    private static final Pattern EVENT_KEY = Pattern.compile("event/([0-9A-Z]{29})/([1-9][0-9]{0,17})");
    private static final Map<String, List<String>> KINDS = Map.of(HistoryReport.IDENTITY, List.of("identity"),
            HistoryReport.FILING, List.of("manufacturer", "model-revision", "model-review"),
            HistoryReport.EVENT, List.of("lifecycle-event"),
            HistoryReport.CERTIFICATION, List.of("test-result", "certificate", "certificate-action"));

    private HistoryReports() {
    }

    /**
     * A shown record's entry: the summary is derived here from its bytes, as the verifier will; a record
     * that does not read as its kind is still shown (summary {@code unreadable: ...}) and the verifier refuses it.
     */
    public static HistoryReport.Entry shown(String section, String kind, String key, byte[] record, byte[] salt,
            byte[] payload, byte[] payloadSalt, String tlogProof) {
        String summary;
        try {
            summary = summary(kind, record, payload != null);
        } catch (RecordReader.MalformedRecord e) {
            // shown as stored, for the verifier to name (a record changed where it is kept no longer reads)
            summary = "unreadable: " + e.getMessage();
        }
        return new HistoryReport.Entry(section, kind, key, summary, b64(record), b64(salt), b64(payload),
                b64(payloadSalt), tlogProof);
    }

    /** A withheld record's entry: its key and its proof, nothing else. */
    public static HistoryReport.Entry withheld(String section, String kind, String key, String tlogProof) {
        return new HistoryReport.Entry(section, kind, key, WITHHELD, null, null, null, null, tlogProof);
    }

    /** What a record says, in one line, from its bytes alone. */
    public static String summary(String kind, byte[] record, boolean payloadShown) throws RecordReader.MalformedRecord {
        switch (kind) {
            case "identity": {
                Identity id = identity(record);
                return "ID " + id.robotId() + " of model " + id.modelCode() + " by manufacturer " + id.manufacturerCode()
                        + ", issued " + id.issuedAt();
            }
            case "lifecycle-event": {
                if (!LifecycleEvents.TAG_V2.equals(RecordReader.tagOf(record))) {
                    return "an event sealed in format v1 (its content is shown by VerifyChain, not here)";
                }
                LifecycleEvents.EventV2 e = LifecycleEvents.decode(record);
                return "#" + e.sequence() + " " + strip(e.type(), "EVENT_TYPE_") + " at " + e.occurredAt()
                        + ", status after " + strip(e.statusAfter(), "ROBOT_STATUS_") + ", recorded by "
                        + e.recorderRole() + (payloadShown ? "; payload shown" : "; payload withheld");
            }
            case "manufacturer": {
                FilingRecords.Manufacturer m = FilingRecords.decodeManufacturer(record);
                return "manufacturer " + m.code() + ": " + m.legalName() + " (" + m.country() + "), registered "
                        + m.registered().at();
            }
            case "model-revision": {
                FilingRecords.Revision r = FilingRecords.decodeRevision(record);
                return "revision " + r.revision() + " of filing " + r.filingId() + " by manufacturer " + r.manufacturerCode()
                        + ", level " + strip(r.intelligenceLevel(), "INTELLIGENCE_LEVEL_") + ", submitted " + r.submitted().at();
            }
            case "model-review": {
                FilingRecords.Review r = FilingRecords.decodeReview(record);
                return r.decision() + " revision " + r.revision() + " of filing " + r.filingId()
                        + (r.modelCode().isEmpty() ? "" : " as model " + r.modelCode()) + ", reviewed " + r.reviewed().at();
            }
            case "test-result": {
                CertificationRecords.TestResult r = CertificationRecords.decodeTestResult(record);
                return r.outcome() + " " + r.tier() + " test of " + r.subjectKind().toLowerCase() + " " + r.subject()
                        + " by " + r.bodyId() + " on " + r.testDate()
                        + (r.certificateId().isEmpty() ? "" : ", certificate " + r.certificateId());
            }
            case "certificate": {
                CertificationRecords.Certificate c = CertificationRecords.decodeCertificate(record);
                return "certificate " + c.certificateId() + " (test result " + c.resultId() + "), valid from "
                        + c.validFrom() + " until " + c.validUntil();
            }
            case "certificate-action": {
                CertificationRecords.Action a = CertificationRecords.decodeAction(record);
                return a.action() + " certificate " + a.certificateId() + " (state after: " + a.stateAfter() + ") at "
                        + a.stamp().at() + ": " + a.reason();
            }
            default:
                throw new RecordReader.MalformedRecord("kind", kind + " is not a kind a history report holds");
        }
    }

    /** A verified report: what it proves, one line per record. */
    public record Verified(String robotId, int shown, int withheld, int events, int certificationRecords,
            int filingRecords, boolean eventsComplete, List<String> lines) {
    }

    /**
     * Verifies a report offline; {@link WitnessPolicy.Rejected} names the record and what failed.
     */
    public static Verified verify(WitnessPolicy policy, HistoryReport report) {
        String robot = report.robotId();
        List<String> lines = new ArrayList<>();
        Identity identity = null;
        int shown = 0;
        int withheld = 0;
        int events = 0;
        int certification = 0;
        int filing = 0;
        Map<Long, byte[]> eventHashes = new HashMap<>();
        Map<Long, byte[]> previousHashes = new HashMap<>();
        List<Long> sequences = new ArrayList<>();
        Map<String, byte[]> resultHashes = new LinkedHashMap<>();
        Map<String, CertificationRecords.TestResult> results = new HashMap<>();
        List<FilingRecords.Manufacturer> manufacturers = new ArrayList<>();
        List<CertificationRecords.Action> actions = new ArrayList<>();
        List<byte[]> certificateHashes = new ArrayList<>();
        List<byte[]> revisionHashes = new ArrayList<>();
        List<FilingRecords.Revision> revisions = new ArrayList<>();
        List<FilingRecords.Review> reviews = new ArrayList<>();
        List<CertificationRecords.Certificate> certificates = new ArrayList<>();

        for (int i = 0; i < report.records().size(); i++) {
            HistoryReport.Entry e = report.records().get(i);
            String at = "records[" + i + "] (" + e.key() + ")";
            if (e.section() == null || e.kind() == null || e.key() == null || e.tlogProof() == null) {
                throw new WitnessPolicy.Rejected(at + ": section, kind, key and tlogProof are required");
            }
            if (!KINDS.getOrDefault(e.section(), List.of()).contains(e.kind())) {
                throw new WitnessPolicy.Rejected(at + ": a record of kind " + e.kind() + " does not belong in section "
                        + e.section());
            }
            if (e.section().equals(HistoryReport.EVENT)) {
                Matcher m = EVENT_KEY.matcher(e.key());
                if (!m.matches() || !m.group(1).equals(robot)) {
                    throw new WitnessPolicy.Rejected(at + ": an event's key is event/" + robot + "/<sequence>");
                }
                sequences.add(Long.parseLong(m.group(2)));
                events++;
            } else if (e.section().equals(HistoryReport.CERTIFICATION)) {
                certification++;
            } else if (e.section().equals(HistoryReport.FILING)) {
                filing++;
            }
            RecordProofs.Proven proven;
            try {
                if (e.withheld()) {
                    if (e.salt() != null || e.payload() != null || e.payloadSalt() != null) {
                        throw new WitnessPolicy.Rejected("a withheld record carries no salt and no payload");
                    }
                    if (!WITHHELD.equals(e.summary())) {
                        throw new WitnessPolicy.Rejected("the summary of a withheld record is: " + WITHHELD);
                    }
                    if (e.section().equals(HistoryReport.IDENTITY)) {
                        throw new WitnessPolicy.Rejected("the identity is public and is never withheld");
                    }
                    proven = RecordProofs.verify(policy, e.tlogProof(), e.kind(), null, null);
                    withheld++;
                    lines.add(e.key() + ": withheld; its entry is " + where(proven));
                    continue;
                }
                byte[] record = unb64(e.record(), "record");
                byte[] salt = unb64(e.salt(), "salt");
                byte[] payload = e.payload() == null ? null : unb64(e.payload(), "payload");
                byte[] payloadSalt = e.payloadSalt() == null ? null : unb64(e.payloadSalt(), "payloadSalt");
                if ((payload == null) != (payloadSalt == null)) {
                    throw new WitnessPolicy.Rejected("payload and payloadSalt come together");
                }
                if (payload != null && !e.kind().equals("lifecycle-event")) {
                    throw new WitnessPolicy.Rejected("only lifecycle events carry a payload");
                }
                String summary = summary(e.kind(), record, payload != null);
                if (!summary.equals(e.summary())) {
                    throw new WitnessPolicy.Rejected("the summary does not say what the record says; the record says: "
                            + summary);
                }
                byte[] hash = Sha256.of(record);
                switch (e.kind()) {
                    case "identity" -> {
                        if (identity != null) {
                            throw new WitnessPolicy.Rejected("a report holds one identity");
                        }
                        identity = identity(record);
                        if (!identity.robotId().equals(robot)) {
                            throw new WitnessPolicy.Rejected("this identity is of robot " + identity.robotId() + ", not " + robot);
                        }
                    }
                    case "lifecycle-event" -> {
                        long sequence = sequences.get(sequences.size() - 1);
                        if (LifecycleEvents.TAG_V2.equals(RecordReader.tagOf(record))) {
                            LifecycleEvents.EventV2 ev = LifecycleEvents.decode(record);
                            if (!ev.robotId().equals(robot) || ev.sequence() != sequence) {
                                throw new WitnessPolicy.Rejected("this is event #" + ev.sequence() + " of robot "
                                        + ev.robotId() + ", not the key's");
                            }
                            previousHashes.put(sequence, ev.previousHash());
                            if (payload != null && !MessageDigest.isEqual(ev.payloadCommitment(),
                                    LifecycleEvents.payloadCommitment(payloadSalt, payload))) {
                                throw new WitnessPolicy.Rejected("the payload shown is not the one the event sealed");
                            }
                        } else if (payload != null) {
                            throw new WitnessPolicy.Rejected("a v1 event's payload is inside its seal, not beside it");
                        }
                        eventHashes.put(sequence, hash);
                    }
                    case "test-result" -> {
                        CertificationRecords.TestResult r = CertificationRecords.decodeTestResult(record);
                        results.put(r.resultId(), r);
                        resultHashes.put(r.resultId(), hash);
                    }
                    case "certificate" -> {
                        certificates.add(CertificationRecords.decodeCertificate(record));
                        certificateHashes.add(hash);
                    }
                    case "certificate-action" -> {
                        actions.add(CertificationRecords.decodeAction(record));
                        certificateHashes.add(hash);
                    }
                    case "manufacturer" -> manufacturers.add(FilingRecords.decodeManufacturer(record));
                    case "model-revision" -> {
                        revisions.add(FilingRecords.decodeRevision(record));
                        revisionHashes.add(hash);
                    }
                    case "model-review" -> reviews.add(FilingRecords.decodeReview(record));
                    default -> throw new WitnessPolicy.Rejected("unknown kind " + e.kind());
                }
                proven = RecordProofs.verify(policy, e.tlogProof(), e.kind(), salt, hash);
                shown++;
                lines.add(e.key() + ": " + summary + "; " + where(proven));
            } catch (RecordReader.MalformedRecord m) {
                throw new WitnessPolicy.Rejected(at + ": the record is not a " + e.kind() + " record: " + m.getMessage());
            } catch (MalformedEvidence m) {
                throw new WitnessPolicy.Rejected(at + ": " + m.getMessage());
            } catch (WitnessPolicy.Rejected r) {
                throw r.getMessage().startsWith("records[") ? r : new WitnessPolicy.Rejected(at + ": " + r.getMessage());
            }
        }
        if (identity == null) {
            throw new WitnessPolicy.Rejected("the report holds no identity record of " + robot);
        }
        checkChain(sequences, eventHashes, previousHashes, report.eventsComplete());
        for (CertificationRecords.TestResult r : results.values()) {
            boolean ours = r.subjectKind().equals("UNIT") ? r.subject().equals(robot)
                    : r.subject().equals(identity.modelCode()) && r.manufacturerCode().equals(identity.manufacturerCode());
            if (!ours) {
                throw new WitnessPolicy.Rejected("test result " + r.resultId() + " is about " + r.subjectKind().toLowerCase()
                        + " " + r.subject() + ", neither this robot nor its model");
            }
        }
        for (CertificationRecords.Action a : actions) {
            if (certificates.stream().noneMatch(c -> c.certificateId().equals(a.certificateId()))) {
                throw new WitnessPolicy.Rejected("the " + a.action() + " of certificate " + a.certificateId()
                        + " is of a certificate not shown in the report");
            }
            if (certificateHashes.stream().noneMatch(h -> MessageDigest.isEqual(h, a.previousHash()))) {
                throw new WitnessPolicy.Rejected("the " + a.action() + " of certificate " + a.certificateId()
                        + " follows a record not shown in the report: its chain is broken");
            }
        }
        for (FilingRecords.Manufacturer m : manufacturers) {
            if (!m.code().equals(identity.manufacturerCode())) {
                throw new WitnessPolicy.Rejected("the manufacturer record is of " + m.code() + ", not of this robot's "
                        + identity.manufacturerCode());
            }
        }
        for (FilingRecords.Revision r : revisions) {
            if (!r.manufacturerCode().equals(identity.manufacturerCode())) {
                throw new WitnessPolicy.Rejected("revision " + r.revision() + " of filing " + r.filingId()
                        + " is another manufacturer's (" + r.manufacturerCode() + ")");
            }
        }
        for (FilingRecords.Review r : reviews) {
            if (!r.modelCode().equals(identity.modelCode())) {
                throw new WitnessPolicy.Rejected("the review of filing " + r.filingId() + " is of model " + r.modelCode()
                        + ", not this robot's " + identity.modelCode());
            }
            if (revisionHashes.stream().noneMatch(h -> MessageDigest.isEqual(h, r.revisionHash()))) {
                throw new WitnessPolicy.Rejected("the review of filing " + r.filingId() + " names a revision not shown"
                        + " in the report");
            }
        }
        for (CertificationRecords.Certificate c : certificates) {
            byte[] resultHash = resultHashes.get(c.resultId());
            if (resultHash == null) {
                throw new WitnessPolicy.Rejected("certificate " + c.certificateId() + ": its test result " + c.resultId()
                        + " is not shown in the report");
            }
            if (!MessageDigest.isEqual(resultHash, c.resultHash())) {
                throw new WitnessPolicy.Rejected("certificate " + c.certificateId() + " names another test result than"
                        + " the one shown");
            }
        }
        return new Verified(robot, shown, withheld, events, certification, filing, report.eventsComplete(), lines);
    }

    /** Sequences distinct and in order; complete means 1..n; each shown event links to the shown one before it. */
    private static void checkChain(List<Long> sequences, Map<Long, byte[]> hashes, Map<Long, byte[]> previous,
            boolean complete) {
        for (int i = 0; i < sequences.size(); i++) {
            long s = sequences.get(i);
            if (i > 0 && s <= sequences.get(i - 1)) {
                throw new WitnessPolicy.Rejected("events are listed once each, in sequence order: #" + s + " follows #"
                        + sequences.get(i - 1));
            }
            if (complete && s != i + 1) {
                throw new WitnessPolicy.Rejected("the report says it holds every event, but event #" + (i + 1)
                        + " is missing");
            }
            byte[] prev = previous.get(s);
            if (prev == null) {
                continue;
            }
            byte[] expected = s == 1 ? LifecycleEvents.GENESIS : hashes.get(s - 1);
            if (expected != null && !MessageDigest.isEqual(expected, prev)) {
                throw new WitnessPolicy.Rejected("event #" + s + " does not link to event #" + (s - 1)
                        + " shown before it: the chain is broken");
            }
        }
    }

    private static String where(RecordProofs.Proven p) {
        return "entry " + p.index() + " of " + p.origin() + " (size " + p.treeSize() + ", cosigned by "
                + (p.checkpoint().cosignedAt().isEmpty() ? "no witness" : String.join(", ", p.checkpoint().cosignedAt().keySet()))
                + ")";
    }

    /** An identity record: the certificate's signed message followed by its 64-byte signature. */
    record Identity(String robotId, String manufacturerCode, String modelCode, Instant issuedAt) {
    }

    static Identity identity(byte[] record) throws RecordReader.MalformedRecord {
        if (record.length <= 64) {
            throw new RecordReader.MalformedRecord("record", "an identity record is its signed message and a 64-byte signature");
        }
        String text;
        try {
            text = Text.utf8(java.util.Arrays.copyOf(record, record.length - 64), "signed message");
        } catch (MalformedEvidence e) {
            throw new RecordReader.MalformedRecord("signed message", "not valid UTF-8");
        }
        String[] lines = text.split("\n", -1);
        if (lines.length != 5 || !lines[0].equals(IdentityCertificates.TAG) || !lines[4].matches("[0-9]{1,15}")) {
            throw new RecordReader.MalformedRecord("signed message", "not " + IdentityCertificates.TAG
                    + "\\n<robot ID>\\n<manufacturer>\\n<model>\\n<issued millis>");
        }
        Identity id = new Identity(lines[1], lines[2], lines[3], Instant.ofEpochMilli(Long.parseLong(lines[4])));
        if (!java.util.Arrays.equals(IdentityCertificates.signedBytes(id.robotId(), id.manufacturerCode(), id.modelCode(),
                id.issuedAt()), java.util.Arrays.copyOf(record, record.length - 64))) {
            throw new RecordReader.MalformedRecord("signed message", "not in its one canonical form");
        }
        return id;
    }

    private static String strip(String s, String prefix) {
        return s.startsWith(prefix) ? s.substring(prefix.length()) : s;
    }

    private static String b64(byte[] b) {
        return b == null ? null : Base64.getEncoder().encodeToString(b);
    }

    private static byte[] unb64(String s, String field) {
        if (s == null) {
            throw new MalformedEvidence(field + " is required for a shown record");
        }
        return Text.base64(s, field);
    }

}
