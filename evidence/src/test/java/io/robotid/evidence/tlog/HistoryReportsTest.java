package io.robotid.evidence.tlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.robotid.evidence.codec.Sha256;
import io.robotid.evidence.format.CertificationRecords;
import io.robotid.evidence.format.FilingRecords;
import io.robotid.evidence.format.LifecycleEvents;
import io.robotid.evidence.format.LogEntries;
import io.robotid.evidence.format.Stamp;
import io.robotid.evidence.merkle.MerkleTree;

/**
 * A robot history report (EVIDENCE.md section 12) built over three real logs whose checkpoints two of
 * three witnesses cosign, verified offline; then every way of altering it is refused with a verdict
 * that names the record and the rule.
 */
class HistoryReportsTest {
    static final String ROBOT = "CNA1B2C3D4E526BJ000000000001G";
    static final String OTHER_ROBOT = "CNA1B2C3D4E526BJ000000000002E";

    @TempDir
    Path dir;

    /** A log of this test: entries appended, then proofs under one checkpoint cosigned by w1 and w3. */
    static final class Log {
        final NoteSigner key;
        final List<byte[]> entries = new ArrayList<>();
        final List<NoteSigner> witnesses;

        Log(String origin, List<NoteSigner> witnesses) {
            this.key = NoteSigner.generate(origin, NoteKey.ED25519);
            this.witnesses = witnesses;
        }

        byte[] append(String kind, byte[] salt, byte[] recordHash) {
            entries.add(LogEntries.entry(kind, salt, recordHash));
            return salt;
        }

        String proof(int index) {
            List<byte[]> leaves = entries.stream().map(LogEntries::leafHash).toList();
            String text = new Checkpoint(key.name(), leaves.size(), MerkleTree.root(leaves)).text();
            SignedNote note = new SignedNote(text, List.of(key.sign(text), witnesses.get(0).cosign(text, 100),
                    witnesses.get(2).cosign(text, 101)));
            Proofs.SubtreeHashes hashes = (level, i) -> MerkleTree.root(leaves.subList((int) (i << level),
                    (int) Math.min((i + 1) << level, leaves.size())));
            return new TlogProof(entries.get(index), index, Proofs.inclusionProof(hashes, index, leaves.size()),
                    note.format()).format();
        }
    }

    List<NoteSigner> witnesses = new ArrayList<>();
    Log identityLog, lifecycleLog, certificationLog, filingLog;
    WitnessPolicy policy;
    HistoryReport report;

    static byte[] salt(int n) {
        byte[] s = new byte[32];
        s[0] = (byte) n;
        s[31] = 7;
        return s;
    }

    @BeforeEach
    void build() {
        for (int i = 1; i <= 3; i++) {
            witnesses.add(NoteSigner.generate("w" + i + ".example", NoteKey.COSIGNATURE_V1));
        }
        identityLog = new Log("registry.example/robotid/identity", witnesses);
        lifecycleLog = new Log("registry.example/robotid/lifecycle", witnesses);
        certificationLog = new Log("registry.example/robotid/certification", witnesses);
        filingLog = new Log("registry.example/robotid/filing", witnesses);
        policy = WitnessPolicy.parse(policyText());

        List<HistoryReport.Entry> records = new ArrayList<>();
        // another robot's ID first, so the indexes are not all zero
        identityLog.append("identity", salt(90), Sha256.of(io.robotid.evidence.format.IdentityCertificates.logRecord(OTHER_ROBOT, "A1B2", "C3D4E5",
                Instant.ofEpochMilli(1_795_000_000_000L), new byte[64])));
        byte[] idRecord = io.robotid.evidence.format.IdentityCertificates.logRecord(ROBOT, "A1B2", "C3D4E5", Instant.ofEpochMilli(1_796_000_000_000L),
                new byte[64]);
        identityLog.append("identity", salt(1), Sha256.of(idRecord));
        records.add(HistoryReports.shown(HistoryReport.IDENTITY, "identity", "identity/" + ROBOT, idRecord, salt(1), null,
                null, identityLog.proof(1)));

        Stamp regulator = new Stamp("REGULATOR", "REGULATOR", "", Instant.parse("2026-11-01T12:00:00Z"),
                "7a1e0c3b-2f4d-4e5a-8b6c-9d0e1f2a3b4c", "");
        byte[] maker = FilingRecords.encode(new FilingRecords.Manufacturer("A1B2", "Walker Robotics", "CN", "91-1", regulator));
        byte[] revision = FilingRecords.encode(new FilingRecords.Revision("3f1c9a2e-7b4d-4c8e-9a1f-2b3c4d5e6f70", "A1B2", 1, "",
                "INTELLIGENCE_LEVEL_L1", "{}", regulator));
        byte[] review = FilingRecords.encode(new FilingRecords.Review("3f1c9a2e-7b4d-4c8e-9a1f-2b3c4d5e6f70", 1,
                Sha256.of(revision), "ACCEPTED", "", "C3D4E5", regulator));
        filingLog.append("manufacturer", salt(80), Sha256.of(maker));
        filingLog.append("model-revision", salt(81), Sha256.of(revision));
        filingLog.append("model-review", salt(82), Sha256.of(review));
        records.add(HistoryReports.shown(HistoryReport.FILING, "manufacturer", "manufacturer/A1B2", maker, salt(80), null,
                null, filingLog.proof(0)));
        records.add(HistoryReports.shown(HistoryReport.FILING, "model-revision", "filing/3f1c9a2e-7b4d-4c8e-9a1f-2b3c4d5e6f70/revision/1",
                revision, salt(81), null, null, filingLog.proof(1)));
        records.add(HistoryReports.shown(HistoryReport.FILING, "model-review",
                "filing/3f1c9a2e-7b4d-4c8e-9a1f-2b3c4d5e6f70/revision/1/review", review, salt(82), null, null, filingLog.proof(2)));

        byte[] previous = LifecycleEvents.GENESIS;
        String[] types = { "EVENT_TYPE_PRODUCED", "EVENT_TYPE_SOLD", "EVENT_TYPE_MAINTENANCE_PERFORMED" };
        for (int s = 1; s <= 3; s++) {
            byte[] payload = ("payload " + s).getBytes();
            byte[] payloadSalt = salt(40 + s);
            byte[] sealed = LifecycleEvents.encode(new LifecycleEvents.EventV2(ROBOT, s, types[s - 1],
                    Instant.parse("2026-11-2" + s + "T08:00:00Z"), Instant.parse("2026-11-2" + s + "T08:00:01Z"),
                    "ROBOT_STATUS_IN_STOCK", "MANUFACTURER", "6b945388-4575-45d1-b21c-3515d4068d9" + s, "", previous,
                    LifecycleEvents.payloadCommitment(payloadSalt, payload), new byte[32]));
            previous = Sha256.of(sealed);
            lifecycleLog.append("lifecycle-event", salt(10 + s), previous);
            String key = "event/" + ROBOT + "/" + s;
            records.add(s == 2 ? HistoryReports.withheld(HistoryReport.EVENT, "lifecycle-event", key, lifecycleLog.proof(s - 1))
                    : HistoryReports.shown(HistoryReport.EVENT, "lifecycle-event", key, sealed, salt(10 + s),
                            s == 3 ? payload : null, s == 3 ? payloadSalt : null, lifecycleLog.proof(s - 1)));
        }

        Stamp stamp = new Stamp("CERTIFICATION_BODY", "CERTIFICATION_BODY", "certification_body_id:CB-1",
                Instant.parse("2026-11-20T10:00:00Z"), "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f", "");
        byte[] result = CertificationRecords.encode(new CertificationRecords.TestResult("9b2f5c8e-1d3a-4b6c-8e7f-0a1b2c3d4e5f",
                "C3D4E5", "MODEL", "C3D4E5", "A1B2", "CB-1", "MOBILITY", List.of("ISO 13482:2014"),
                Instant.parse("2026-11-20T09:30:00Z"), "PASS", CertificationRecords.Conditions.NONE, "https://r.example/1",
                "00".repeat(32), Instant.parse("2026-11-20T09:30:00Z"), Instant.parse("2027-11-20T00:00:00Z"),
                "c895d074-5b1a-4c2e-9d3f-6a7b8c9d0e1f", stamp));
        certificationLog.append("test-result", salt(60), Sha256.of(result));
        byte[] certificate = CertificationRecords.encode(new CertificationRecords.Certificate(
                "c895d074-5b1a-4c2e-9d3f-6a7b8c9d0e1f", "9b2f5c8e-1d3a-4b6c-8e7f-0a1b2c3d4e5f", Sha256.of(result),
                Instant.parse("2026-11-20T09:30:00Z"), Instant.parse("2027-11-20T00:00:00Z"), stamp));
        certificationLog.append("certificate", salt(61), Sha256.of(certificate));
        records.add(HistoryReports.shown(HistoryReport.CERTIFICATION, "test-result", "result/9b2f5c8e-1d3a-4b6c-8e7f-0a1b2c3d4e5f",
                result, salt(60), null, null, certificationLog.proof(0)));
        records.add(HistoryReports.shown(HistoryReport.CERTIFICATION, "certificate",
                "certificate/c895d074-5b1a-4c2e-9d3f-6a7b8c9d0e1f", certificate, salt(61), null, null, certificationLog.proof(1)));
        byte[] suspension = CertificationRecords.encode(new CertificationRecords.Action("c895d074-5b1a-4c2e-9d3f-6a7b8c9d0e1f",
                Sha256.of(certificate), "SUSPEND", "SUSPENDED", "battery recall", "REGULATOR", stamp));
        certificationLog.append("certificate-action", salt(62), Sha256.of(suspension));
        records.add(HistoryReports.shown(HistoryReport.CERTIFICATION, "certificate-action",
                "certificate/c895d074-5b1a-4c2e-9d3f-6a7b8c9d0e1f/action/" + io.robotid.evidence.codec.Hex.of(Sha256.of(suspension)),
                suspension, salt(62), null, null, certificationLog.proof(2)));
        report = new HistoryReport(HistoryReport.FORMAT, ROBOT, "2026-12-06T12:00:00Z", "reader",
                new HistoryReport.Model("C3D4E5", "A1B2", "Walker", "Acme", "filed; not in a log yet"), records, true,
                List.of());
    }

    @Test
    void aWholeReportVerifiesOfflineAfterItsJsonRoundTrip() throws Exception {
        HistoryReport read = HistoryReport.parse(report.toJson());
        HistoryReports.Verified v = HistoryReports.verify(policy, read);
        assertThat(v.shown()).isEqualTo(9);
        assertThat(v.filingRecords()).isEqualTo(3);
        assertThat(v.withheld()).isEqualTo(1);
        assertThat(v.events()).isEqualTo(3);
        assertThat(v.certificationRecords()).isEqualTo(3);
        assertThat(v.lines()).anySatisfy(l -> assertThat(l).startsWith("identity/" + ROBOT + ": ID " + ROBOT
                + " of model C3D4E5 by manufacturer A1B2").contains("entry 1 of registry.example/robotid/identity"))
                .anySatisfy(l -> assertThat(l).startsWith("event/" + ROBOT + "/3: #3 MAINTENANCE_PERFORMED")
                        .contains("payload shown").contains("cosigned by w1.example, w3.example"))
                .anySatisfy(l -> assertThat(l).startsWith("event/" + ROBOT + "/2: withheld"));

        Path file = dir.resolve("report.json");
        Files.writeString(file, report.toJson());
        Path policyFile = dir.resolve("policy");
        Files.writeString(policyFile, policyText());
        TlogCommandTest.Run ok = TlogCommandTest.run("report", "--policy", policyFile.toString(), file.toString());
        assertThat(ok.status()).as(ok.out() + ok.err()).isZero();
        assertThat(ok.out()).contains("OK: the history report of " + ROBOT + ": the identity, 3 filing records, 3 events and 3 certification"
                + " records").contains("9 shown, 1 withheld").contains("the events are complete from #1");

        Files.writeString(file, report.toJson().replace("PRODUCED", "PRODUCEE"));
        TlogCommandTest.Run bad = TlogCommandTest.run("report", "--policy", policyFile.toString(), file.toString());
        assertThat(bad.status()).isEqualTo(1);
        assertThat(bad.out()).startsWith("FAILED: records[4] (event/" + ROBOT + "/1): the summary does not say what the record says");
    }

    String policyText() {
        return WitnessPolicy.format(List.of(new WitnessPolicy.Log(identityLog.key.verifierKey(), java.util.Optional.empty()),
                new WitnessPolicy.Log(lifecycleLog.key.verifierKey(), java.util.Optional.empty()),
                new WitnessPolicy.Log(certificationLog.key.verifierKey(), java.util.Optional.empty()),
                new WitnessPolicy.Log(filingLog.key.verifierKey(), java.util.Optional.empty())),
                witnesses.stream().map(w -> new WitnessPolicy.Witness(w.name(), w.verifierKey(), java.util.Optional.empty()))
                        .toList(), 2);
    }

    /** The report with record {@code i} replaced. */
    HistoryReport with(int i, UnaryOperator<HistoryReport.Entry> change) {
        List<HistoryReport.Entry> records = new ArrayList<>(report.records());
        records.set(i, change.apply(records.get(i)));
        return new HistoryReport(report.format(), report.robotId(), report.generatedAt(), report.audience(), report.model(),
                records, report.eventsComplete(), report.notes());
    }

    HistoryReport without(int i) {
        List<HistoryReport.Entry> records = new ArrayList<>(report.records());
        records.remove(i);
        return new HistoryReport(report.format(), report.robotId(), report.generatedAt(), report.audience(), report.model(),
                records, report.eventsComplete(), report.notes());
    }

    static String flip(String b64) {
        byte[] b = Base64.getDecoder().decode(b64);
        b[b.length - 1] ^= 1;
        return Base64.getEncoder().encodeToString(b);
    }

    void refused(HistoryReport altered, String because) {
        assertThatThrownBy(() -> HistoryReports.verify(policy, altered)).isInstanceOf(WitnessPolicy.Rejected.class)
                .hasMessageContaining(because);
    }

    @Test
    void everyAlterationIsRefusedNamingTheRecordAndTheRule() {
        // a record's bytes changed (the last byte of event 3's recorder commitment): its entry no longer commits to it
        refused(with(6, e -> new HistoryReport.Entry(e.section(), e.kind(), e.key(), e.summary(), flip(e.record()),
                e.salt(), e.payload(), e.payloadSalt(), e.tlogProof())),
                "records[6] (event/" + ROBOT + "/3): the log entry does not commit to this record");
        // another salt
        refused(with(0, e -> new HistoryReport.Entry(e.section(), e.kind(), e.key(), e.summary(), e.record(), flip(e.salt()),
                null, null, e.tlogProof())), "records[0] (identity/" + ROBOT + "): the log entry does not commit");
        // a payload that is not the sealed one
        refused(with(6, e -> new HistoryReport.Entry(e.section(), e.kind(), e.key(), e.summary(), e.record(), e.salt(),
                flip(e.payload()), e.payloadSalt(), e.tlogProof())), "the payload shown is not the one the event sealed");
        // a summary that says something else
        refused(with(6, e -> new HistoryReport.Entry(e.section(), e.kind(), e.key(), e.summary().replace("MAINTENANCE", "REPAIR"),
                e.record(), e.salt(), e.payload(), e.payloadSalt(), e.tlogProof())), "the summary does not say what the record says");
        // an event listed under another sequence
        refused(with(6, e -> new HistoryReport.Entry(e.section(), e.kind(), "event/" + ROBOT + "/4", e.summary(),
                e.record(), e.salt(), e.payload(), e.payloadSalt(), e.tlogProof())), "this is event #3 of robot " + ROBOT + ", not the key's");
        // an event left out of a report that says it is complete
        refused(without(5), "event #2 is missing");
        // a withheld record that carries a salt
        refused(with(5, e -> new HistoryReport.Entry(e.section(), e.kind(), e.key(), e.summary(), null,
                report.records().get(4).salt(), null, null, e.tlogProof())), "a withheld record carries no salt");
        // the identity withheld
        refused(with(0, e -> HistoryReports.withheld(e.section(), e.kind(), e.key(), e.tlogProof())),
                "the identity is public and is never withheld");
        // no identity at all
        refused(without(0), "the report holds no identity record of " + ROBOT);
        // a record in the wrong section
        refused(with(7, e -> new HistoryReport.Entry(HistoryReport.EVENT, e.kind(), e.key(), e.summary(), e.record(),
                e.salt(), null, null, e.tlogProof())), "a record of kind test-result does not belong in section event");
        // the certificate without its test result
        refused(without(7), "its test result 9b2f5c8e-1d3a-4b6c-8e7f-0a1b2c3d4e5f is not shown");
        // a proof of another entry
        refused(with(4, e -> new HistoryReport.Entry(e.section(), e.kind(), e.key(), e.summary(), e.record(), e.salt(),
                null, null, report.records().get(6).tlogProof())), "records[4] (event/" + ROBOT + "/1): the log entry does not commit");
        // a report of another robot holding this robot's records
        HistoryReport other = new HistoryReport(report.format(), OTHER_ROBOT, report.generatedAt(), report.audience(),
                report.model(), report.records(), true, List.of());
        refused(other, "this identity is of robot " + ROBOT + ", not " + OTHER_ROBOT);
        // a certificate's action without the certificate
        refused(without(8), "the SUSPEND of certificate c895d074-5b1a-4c2e-9d3f-6a7b8c9d0e1f is of a certificate not shown");
        // a review of another model, and a review without its revision
        refused(without(2), "the review of filing 3f1c9a2e-7b4d-4c8e-9a1f-2b3c4d5e6f70 names a revision not shown");
        // the manufacturer of another robot
        refused(with(1, e -> {
            Stamp s = new Stamp("REGULATOR", "REGULATOR", "", Instant.parse("2026-11-01T12:00:00Z"),
                    "7a1e0c3b-2f4d-4e5a-8b6c-9d0e1f2a3b4c", "");
            byte[] otherMaker = FilingRecords.encode(new FilingRecords.Manufacturer("Z9Z9", "Other", "DE", "1", s));
            filingLog.append("manufacturer", salt(99), Sha256.of(otherMaker));
            return HistoryReports.shown(HistoryReport.FILING, "manufacturer", "manufacturer/Z9Z9", otherMaker, salt(99), null, null,
                    filingLog.proof(filingLog.entries.size() - 1));
        }), "the manufacturer record is of Z9Z9, not of this robot's A1B2");
        // a checkpoint of a log the policy does not know
        Log rogue = new Log("registry.example/robotid/rogue", witnesses);
        rogue.append("certificate", salt(1), new byte[32]);
        refused(with(8, e -> new HistoryReport.Entry(e.section(), e.kind(), e.key(), e.summary(), e.record(), e.salt(),
                null, null, rogue.proof(0))), "records[8]");
    }

    @Test
    void aBrokenChainAndAMalformedDocumentAreNamed() {
        assertThatThrownBy(() -> HistoryReport.parse("{\"format\":\"robotid-history-report-v2\",\"robotId\":\"x\",\"records\":[],\"eventsComplete\":false}"))
                .isInstanceOf(MalformedEvidence.class).hasMessageContaining("format is robotid-history-report-v2");
        assertThatThrownBy(() -> HistoryReport.parse("{\"format\":\"robotid-history-report-v1\",\"surprise\":1}"))
                .isInstanceOf(MalformedEvidence.class).hasMessageContaining("surprise");
        assertThatThrownBy(() -> HistoryReport.parse("{\"format\":")).isInstanceOf(MalformedEvidence.class)
                .hasMessageStartingWith("history report: not a robotid-history-report-v1 JSON document");
        refused(with(6, e -> new HistoryReport.Entry(e.section(), e.kind(), e.key(), e.summary(), "not base64!", e.salt(),
                e.payload(), e.payloadSalt(), e.tlogProof())), "records[6] (event/" + ROBOT + "/3): record is not standard base64");
    }

    @Test
    void shownNeighboursMustLink() {
        // event 2 shown as another event, logged as such: its proof holds, but it does not link to event 1
        byte[] forged = LifecycleEvents.encode(new LifecycleEvents.EventV2(ROBOT, 2, "EVENT_TYPE_SOLD",
                Instant.parse("2026-11-22T08:00:00Z"), Instant.parse("2026-11-22T08:00:01Z"), "ROBOT_STATUS_IN_STOCK",
                "MANUFACTURER", "6b945388-4575-45d1-b21c-3515d4068d92", "", new byte[32], new byte[32], new byte[32]));
        lifecycleLog.append("lifecycle-event", salt(77), Sha256.of(forged));
        HistoryReport linked = with(5, e -> HistoryReports.shown(HistoryReport.EVENT, "lifecycle-event", e.key(), forged,
                salt(77), null, null, lifecycleLog.proof(3)));
        refused(linked, "event #2 does not link to event #1 shown before it");
    }
}
