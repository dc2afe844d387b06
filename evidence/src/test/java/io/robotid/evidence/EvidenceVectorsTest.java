package io.robotid.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.robotid.evidence.codec.Hex;
import io.robotid.evidence.codec.RecordWriter;
import io.robotid.evidence.codec.Sha256;
import io.robotid.evidence.crypto.Ed25519;
import io.robotid.evidence.format.CertificationRecords;
import io.robotid.evidence.format.IdentityCertificates;
import io.robotid.evidence.format.LifecycleEvents;
import io.robotid.evidence.format.LifecycleFeedEntries;
import io.robotid.evidence.format.Receipts;
import io.robotid.evidence.format.Stamp;
import io.robotid.evidence.format.ZonePolicy;
import io.robotid.evidence.merkle.MerkleTree;

/**
 * Recomputes every test vector of EVIDENCE.md with the production code. With
 * {@code -Drobotid.evidence.update=true} it writes the recomputed outputs into the file instead (after a
 * deliberate format change, which also needs a new tag).
 */
class EvidenceVectorsTest {
    static final Path DOCUMENT = Path.of("..", "EVIDENCE.md");
    static final Ed25519.SigningKey TEST_KEY = Ed25519.SigningKey
            .ofSeed(Hex.parse("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
    private static final Pattern BLOCK = Pattern.compile("```vector\n(.*?)```", Pattern.DOTALL);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a vector's outputs are: the bytes, their SHA-256, a signature and text where the format has them. */
    record Outputs(byte[] bytes, byte[] sha256, byte[] signature, String text) {
        static Outputs of(byte[] bytes) {
            return new Outputs(bytes, Sha256.of(bytes), null, null);
        }
    }

    @Test
    void theTestKeyIsRfc8032Test1() {
        assertThat(Hex.of(TEST_KEY.publicKey())).isEqualTo("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
        assertThat(Hex.of(TEST_KEY.sign(new byte[0]))).isEqualTo("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555"
                + "fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
        assertThat(TEST_KEY.keyId()).isEqualTo("kPrK_qmxVWaYVA9w");
    }

    @Test
    void everyVectorOfEvidenceMdIsWhatTheCodeComputes() throws IOException {
        String document = Files.readString(DOCUMENT, StandardCharsets.UTF_8);
        Matcher m = BLOCK.matcher(document);
        Map<String, Outputs> computed = new HashMap<>();
        StringBuilder rewritten = new StringBuilder();
        List<String> mismatches = new ArrayList<>();
        int count = 0;
        while (m.find()) {
            Map<String, String> lines = lines(m.group(1));
            String name = lines.get("name");
            Outputs out = compute(name, JSON.readTree(lines.get("input")), computed);
            computed.put(name, out);
            count++;
            Map<String, String> expected = new LinkedHashMap<>();
            expected.put("bytes", Hex.of(out.bytes()));
            expected.put("sha256", Hex.of(out.sha256()));
            if (out.signature() != null) {
                expected.put("signature", Hex.of(out.signature()));
            }
            if (out.text() != null) {
                expected.put("text", out.text());
            }
            for (var e : expected.entrySet()) {
                if (!e.getValue().equals(lines.get(e.getKey()))) {
                    mismatches.add(name + " " + e.getKey() + ": document says " + lines.get(e.getKey()) + ", code gives "
                            + e.getValue());
                }
            }
            StringBuilder block = new StringBuilder("```vector\nname: ").append(name).append("\ninput: ")
                    .append(lines.get("input")).append('\n');
            expected.forEach((k, v) -> block.append(k).append(": ").append(v).append('\n'));
            m.appendReplacement(rewritten, Matcher.quoteReplacement(block + "```"));
        }
        m.appendTail(rewritten);
        if (Boolean.getBoolean("robotid.evidence.update")) {
            Files.writeString(DOCUMENT, rewritten.toString(), StandardCharsets.UTF_8);
            return;
        }
        assertThat(count).as("vectors in EVIDENCE.md").isGreaterThanOrEqualTo(20);
        assertThat(mismatches).as("EVIDENCE.md vectors that differ from the code").isEmpty();
    }

    static Outputs compute(String name, JsonNode in, Map<String, Outputs> before) {
        return switch (name) {
            case "record-encoding" -> Outputs.of(RecordWriter.tagged(in.get("tag").asText()).text(in.get("text").asText())
                    .integer(in.get("int").asLong()).bool(in.get("bool").asBoolean()).instant(instant(in, "instant"))
                    .optionalNumber(number(in, "absent_number")).optionalNumber(number(in, "number"))
                    .textList(texts(in, "texts")).toByteArray());
            case "identity-certificate-v1" -> {
                String id = in.get("robot_id").asText();
                Instant at = Instant.ofEpochMilli(in.get("issued_at_millis").asLong());
                byte[] bytes = IdentityCertificates.signedBytes(id, id.substring(2, 6), id.substring(6, 12), at);
                byte[] signature = TEST_KEY.sign(bytes);
                yield new Outputs(bytes, Sha256.of(bytes), signature,
                        IdentityCertificates.text(TEST_KEY.keyId(), at, signature));
            }
            case "lifecycle-payload-commitment-v2" -> committed(RecordWriter.tagged(LifecycleEvents.PAYLOAD_TAG)
                    .bytes(hex(in, "salt")).bytes(hex(in, "payload")).toByteArray(),
                    LifecycleEvents.payloadCommitment(hex(in, "salt"), hex(in, "payload")));
            case "lifecycle-recorder-commitment-v2" -> committed(RecordWriter.tagged(LifecycleEvents.RECORDER_TAG)
                    .bytes(hex(in, "salt")).text(in.get("subject").asText()).text(in.get("organisation").asText())
                    .toByteArray(), LifecycleEvents.recorderCommitment(hex(in, "salt"), in.get("subject").asText(),
                            in.get("organisation").asText()));
            case "lifecycle-event-v2", "lifecycle-event-v2-second" -> Outputs.of(LifecycleEvents.encode(
                    new LifecycleEvents.EventV2(in.get("robot_id").asText(), in.get("sequence").asLong(),
                            in.get("type").asText(), instant(in, "occurred_at"), instant(in, "recorded_at"),
                            in.get("status_after").asText(), in.get("recorder_role").asText(),
                            in.get("request_id").asText(), in.get("trace_id").asText(),
                            digestOrOf(in, "previous_hash", before), digestOrOf(in, "payload_commitment", before),
                            digestOrOf(in, "recorder_commitment", before))));
            case "lifecycle-event-v1" -> Outputs.of(LifecycleEvents.v1Preimage(in.get("previous_hash").asText(),
                    hex(in, "event")));
            case "lifecycle-feed-v1" -> Outputs.of(LifecycleFeedEntries.encode(new LifecycleFeedEntries.Entry(
                    in.get("feed_sequence").asLong(), in.get("robot_id").asText(), in.get("event_sequence").asLong(),
                    hex(in, "event_hash"), in.get("status").asText(), in.get("suspended").asBoolean(),
                    texts(in, "open_stop_use_recalls"), in.get("cause").asText(), instant(in, "changed_at"),
                    in.get("operator_org_id").asText(), hex(in, "configuration_change"))));
            case "certification-body-v1" -> Outputs.of(CertificationRecords.encode(new CertificationRecords.Body(
                    in.get("body_id").asText(), in.get("name").asText(), in.get("country").asText(), texts(in, "tiers"),
                    texts(in, "standards"), in.get("accreditation_version").asLong(), stamp(in.get("stamp")))));
            case "test-result-v1" -> Outputs.of(CertificationRecords.encode(testResult(in)));
            case "certificate-v1" -> Outputs.of(CertificationRecords.encode(new CertificationRecords.Certificate(
                    in.get("certificate_id").asText(), in.get("result_id").asText(), digestOrOf(in, "result_hash", before),
                    instant(in, "valid_from"), instant(in, "valid_until"), stamp(in.get("stamp")))));
            case "certificate-action-v1" -> Outputs.of(CertificationRecords.encode(new CertificationRecords.Action(
                    in.get("certificate_id").asText(), digestOrOf(in, "previous_hash", before), in.get("action").asText(),
                    in.get("state_after").asText(), in.get("reason").asText(), in.get("suspended_by_role_after").asText(),
                    stamp(in.get("stamp")))));
            case "revalidation-mark-v1" -> Outputs.of(CertificationRecords.encode(new CertificationRecords.Mark(
                    in.get("robot_id").asText(), in.get("tier").asText(), instant(in, "since"), in.get("cause").asText(),
                    in.get("lifecycle_event_sequence").asLong(), hex(in, "lifecycle_event_hash"),
                    in.get("lifecycle_feed_sequence").asLong(), instant(in, "marked_at"))));
            case "revalidation-clearing-v1" -> Outputs.of(CertificationRecords.encode(new CertificationRecords.Clearing(
                    digestOrOf(in, "mark_hash", before), instant(in, "cleared_at"), in.get("certificate_id").asText())));
            case "certification-feed-v1" -> Outputs.of(CertificationRecords.encode(new CertificationRecords.FeedEntry(
                    in.get("sequence").asLong(), in.get("kind").asText(), in.get("certificate_id").asText(),
                    in.get("robot_id").asText(), instant(in, "changed_at"), hex(in, "body"))));
            case "zone-policy-v1" -> Outputs.of(ZonePolicy.encode(new ZonePolicy.Change(in.get("seq").asLong(),
                    in.get("version").asLong(), hex(in, "previous_hash"), in.get("kind").asText(),
                    in.get("entity_id").asText(), hex(in, "body"))));
            case "recall-campaign-v1" -> Outputs.of(io.robotid.evidence.format.RecallCampaigns.encode(
                    new io.robotid.evidence.format.RecallCampaigns.Campaign(in.get("campaign_id").asText(),
                            in.get("title").asText(), in.get("description").asText(), in.get("severity").asText(),
                            hex(in, "criteria"), stamp(in.get("stamp")))));
            case "denial-v1" -> Outputs.of(io.robotid.evidence.format.Denials.encode(hex(in, "body")));
            case "robot-projection-v1" -> {
                Receipts.Projection p = projection(in);
                yield new Outputs(projectionBytes(p), Receipts.projectionDigest(p), null, null);
            }
            case "check-inputs-v2" -> {
                Receipts.Place place = place(in);
                byte[] projection = before.get(in.get("projection_of").asText()).sha256();
                byte[] bytes = RecordWriter.tagged(Receipts.INPUTS).text(in.get("robot_id").asText())
                        .optionalNumber(place.latitude()).optionalNumber(place.longitude()).text(place.venue())
                        .text(place.floor()).text(place.zoneCode()).text(in.get("task_category").asText())
                        .instant(instant(in, "at")).integer(in.get("policy_version").asLong()).digest(hex(in, "policy_hash"))
                        .digest(projection).toByteArray();
                byte[] digest = Receipts.inputsDigest(in.get("robot_id").asText(), place, in.get("task_category").asText(),
                        instant(in, "at"), in.get("policy_version").asLong(), hex(in, "policy_hash"), projection);
                yield committed(bytes, digest);
            }
            case "receipt-v2" -> Outputs.of(Receipts.encode(new Receipts.ReceiptV2(in.get("robot_id").asText(), place(in),
                    in.get("task_category").asText(), instant(in, "decided_for"), in.get("verdict").asText(),
                    texts(in, "reasons"), number(in, "speed_limit_m_per_s"), texts(in, "matched_zone_ids"),
                    in.get("policy_version").asLong(), hex(in, "policy_hash"),
                    before.get(in.get("projection_of").asText()).sha256(), before.get(in.get("inputs_of").asText()).sha256())));
            case "receipt-v1", "permission-bundle-v1" -> {
                byte[] bytes = in.get("text").asText().getBytes(StandardCharsets.UTF_8);
                yield new Outputs(bytes, Sha256.of(bytes), name.equals("permission-bundle-v1") ? TEST_KEY.sign(bytes) : null,
                        null);
            }
            case "receipt-batch-v1" -> {
                List<byte[]> leaves = new ArrayList<>();
                for (JsonNode n : in.get("leaves_of")) {
                    leaves.add(MerkleTree.leafHash(before.get(n.asText()).bytes()));
                }
                byte[] header = Receipts.batchHeader(MerkleTree.root(leaves), leaves.size(),
                        Instant.parse(in.get("signed_at").asText()));
                yield new Outputs(header, Sha256.of(header), TEST_KEY.sign(header), null);
            }
            case "tlog-commitment-v1" -> {
                byte[] bytes = RecordWriter.tagged(io.robotid.evidence.format.LogEntries.COMMITMENT_TAG).bytes(hex(in, "salt"))
                        .digest(hex(in, "record_hash")).toByteArray();
                yield committed(bytes, io.robotid.evidence.format.LogEntries.commitment(hex(in, "salt"), hex(in, "record_hash")));
            }
            case "tlog-entry-v1" -> Outputs.of(io.robotid.evidence.format.LogEntries.entry(in.get("kind").asText(),
                    hex(in, "salt"), hex(in, "record_hash")));
            case "tlog-leaf" -> {
                byte[] entry = before.get(in.get("entry_of").asText()).bytes();
                byte[] bytes = new byte[entry.length + 1];
                System.arraycopy(entry, 0, bytes, 1, entry.length);
                yield committed(bytes, io.robotid.evidence.format.LogEntries.leafHash(entry));
            }
            case "tlog-checkpoint" -> {
                io.robotid.evidence.tlog.NoteSigner log = new io.robotid.evidence.tlog.NoteSigner(in.get("origin").asText(),
                        io.robotid.evidence.tlog.NoteKey.ED25519, TEST_KEY);
                String text = new io.robotid.evidence.tlog.Checkpoint(in.get("origin").asText(), in.get("size").asLong(),
                        before.get(in.get("root_is_leaf_of").asText()).sha256()).text();
                io.robotid.evidence.tlog.SignedNote note = new io.robotid.evidence.tlog.SignedNote(text, List.of(log.sign(text)));
                byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
                yield new Outputs(bytes, Sha256.of(bytes), note.signatures().get(0).signature(),
                        log.verifierKey().vkey() + " | " + note.format().replace("\n", "\\n"));
            }
            case "tlog-cosignature-v1" -> {
                String text = new String(before.get(in.get("checkpoint_of").asText()).bytes(), StandardCharsets.UTF_8);
                byte[] bytes = io.robotid.evidence.tlog.Cosignatures.message(in.get("timestamp").asLong(), text);
                io.robotid.evidence.tlog.NoteSigner witness = new io.robotid.evidence.tlog.NoteSigner(
                        in.get("witness").asText(), io.robotid.evidence.tlog.NoteKey.COSIGNATURE_V1, TEST_KEY);
                io.robotid.evidence.tlog.SignedNote.Signature line = witness.cosign(text, in.get("timestamp").asLong());
                yield new Outputs(bytes, Sha256.of(bytes), TEST_KEY.sign(bytes),
                        witness.verifierKey().vkey() + " | " + line.line().strip());
            }
            case "manufacturer-v1" -> Outputs.of(io.robotid.evidence.format.FilingRecords.encode(
                    new io.robotid.evidence.format.FilingRecords.Manufacturer(in.get("code").asText(),
                            in.get("legal_name").asText(), in.get("country").asText(), in.get("registration_number").asText(),
                            stamp(in.get("stamp")))));
            case "production-site-v1" -> Outputs.of(io.robotid.evidence.format.FilingRecords.encode(
                    new io.robotid.evidence.format.FilingRecords.Site(in.get("manufacturer_code").asText(),
                            in.get("site_code").asText(), in.get("name").asText(), in.get("address").asText(),
                            in.get("country").asText(), stamp(in.get("stamp")))));
            case "model-revision-v1" -> Outputs.of(io.robotid.evidence.format.FilingRecords.encode(
                    new io.robotid.evidence.format.FilingRecords.Revision(in.get("filing_id").asText(),
                            in.get("manufacturer_code").asText(), in.get("revision").asLong(), in.get("reason").asText(),
                            in.get("intelligence_level").asText(), in.get("specification").asText(), stamp(in.get("stamp")))));
            case "model-review-v1" -> Outputs.of(io.robotid.evidence.format.FilingRecords.encode(
                    new io.robotid.evidence.format.FilingRecords.Review(in.get("filing_id").asText(), in.get("revision").asLong(),
                            before.get(in.get("revision_hash_of").asText()).sha256(), in.get("decision").asText(),
                            in.get("reason").asText(), in.get("model_code").asText(), stamp(in.get("stamp")))));
            case "model-withdrawal-v1" -> Outputs.of(io.robotid.evidence.format.FilingRecords.encode(
                    new io.robotid.evidence.format.FilingRecords.Withdrawal(in.get("filing_id").asText(),
                            in.get("model_code").asText(), in.get("reason").asText(), stamp(in.get("stamp")))));
            case "history-identity-record" -> {
                String id = in.get("robot_id").asText();
                Instant at = Instant.ofEpochMilli(in.get("issued_at_millis").asLong());
                byte[] signature = before.get(in.get("signature_of").asText()).signature();
                byte[] record = io.robotid.evidence.format.IdentityCertificates.logRecord(id, id.substring(2, 6),
                        id.substring(6, 12), at, signature);
                Outputs hashed = committed(record, IdentityCertificates.logHash(id, id.substring(2, 6), id.substring(6, 12),
                        at, signature));
                try {
                    yield new Outputs(hashed.bytes(), hashed.sha256(), null,
                            io.robotid.evidence.tlog.HistoryReports.summary("identity", record, false));
                } catch (io.robotid.evidence.codec.RecordReader.MalformedRecord e) {
                    throw new IllegalStateException(e);
                }
            }
            default -> throw new IllegalArgumentException("EVIDENCE.md has a vector this test does not know: " + name);
        };
    }

    private static Outputs committed(byte[] bytes, byte[] digest) {
        assertThat(Hex.of(digest)).as("the format's own digest function hashes these bytes").isEqualTo(Hex.of(Sha256.of(bytes)));
        return new Outputs(bytes, digest, null, null);
    }

    static CertificationRecords.TestResult testResult(JsonNode in) {
        JsonNode c = in.get("conditions");
        CertificationRecords.Conditions conditions = c == null || c.isNull() ? CertificationRecords.Conditions.NONE
                : new CertificationRecords.Conditions(true, number(c, "max_speed_m_per_s"), number(c, "max_payload_kg"),
                        c.get("environment").asText(), c.get("people_nearby_allowed").asBoolean(),
                        c.has("task_categories") ? texts(c, "task_categories") : null);
        return new CertificationRecords.TestResult(in.get("result_id").asText(), in.get("subject").asText(),
                in.get("subject_kind").asText(), in.get("model_code").asText(), in.get("manufacturer_code").asText(),
                in.get("body_id").asText(), in.get("tier").asText(), texts(in, "standards"), instant(in, "test_date"),
                in.get("outcome").asText(), conditions, in.get("report_uri").asText(), in.get("report_sha256").asText(),
                instant(in, "valid_from"), instant(in, "valid_until"), in.get("certificate_id").asText(),
                stamp(in.get("stamp")));
    }

    static Receipts.Projection projection(JsonNode in) {
        List<Receipts.ProjectedTier> tiers = new ArrayList<>();
        for (JsonNode t : in.get("tiers")) {
            tiers.add(new Receipts.ProjectedTier(t.get("tier").asText(), instant(t, "valid_from"), instant(t, "valid_until"),
                    t.get("no_task_category_allowed").asBoolean(), number(t, "max_speed_m_per_s"),
                    number(t, "max_payload_kg"), t.get("environment").asText(),
                    t.get("people_nearby_allowed").isNull() ? null : t.get("people_nearby_allowed").asBoolean(),
                    texts(t, "allowed_task_categories")));
        }
        return new Receipts.Projection(in.get("robot_id").asText(), in.get("known").asBoolean(), in.get("status").asText(),
                in.get("suspended").asBoolean(), in.get("open_stop_use_recalls").asLong(),
                in.get("intelligence_level").asText(), in.get("operator_org_id").asText(), tiers);
    }

    /** The projection record written out field by field, as EVIDENCE.md 8.4 says, to show its bytes. */
    static byte[] projectionBytes(Receipts.Projection p) {
        List<RecordWriter> tiers = new ArrayList<>();
        for (Receipts.ProjectedTier t : p.tiers()) {
            tiers.add(RecordWriter.untagged().text(t.tier()).optionalInstant(t.validFrom()).optionalInstant(t.validUntil())
                    .bool(t.noTaskCategoryAllowed()).optionalNumber(t.maxSpeedMPerS()).optionalNumber(t.maxPayloadKg())
                    .text(t.environment()).optionalBool(t.peopleNearbyAllowed())
                    .textList(t.allowedTaskCategories().stream().sorted().toList()));
        }
        return RecordWriter.tagged(Receipts.PROJECTION).text(p.robotId()).bool(p.known()).text(p.status())
                .bool(p.suspended()).integer(p.openStopUseRecalls()).text(p.intelligenceLevel()).text(p.operatorOrgId())
                .list(tiers).toByteArray();
    }

    static Receipts.Place place(JsonNode in) {
        return new Receipts.Place(number(in, "latitude"), number(in, "longitude"), in.get("venue").asText(),
                in.get("floor").asText(), in.get("zone_code").asText());
    }

    static Stamp stamp(JsonNode s) {
        return new Stamp(s.get("subject").asText(), s.get("role").asText(), s.get("organisation").asText(),
                instant(s, "at"), s.get("request_id").asText(), s.get("trace_id").asText());
    }

    static byte[] digestOrOf(JsonNode in, String field, Map<String, Outputs> before) {
        if (in.has(field + "_of")) {
            Outputs earlier = before.get(in.get(field + "_of").asText());
            if (earlier == null) {
                throw new IllegalArgumentException(field + "_of names a vector that comes later or not at all");
            }
            return earlier.sha256();
        }
        return hex(in, field);
    }

    static Instant instant(JsonNode in, String field) {
        JsonNode n = in.get(field);
        return n == null || n.isNull() ? null : Instant.parse(n.asText());
    }

    static Double number(JsonNode in, String field) {
        JsonNode n = in.get(field);
        return n == null || n.isNull() ? null : n.asDouble();
    }

    static List<String> texts(JsonNode in, String field) {
        List<String> out = new ArrayList<>();
        in.get(field).forEach(n -> out.add(n.asText()));
        return out;
    }

    static byte[] hex(JsonNode in, String field) {
        return Hex.parse(in.get(field).asText().replace(" ", ""));
    }

    private static Map<String, String> lines(String block) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : block.split("\n")) {
            int colon = line.indexOf(": ");
            if (colon > 0) {
                out.put(line.substring(0, colon), line.substring(colon + 2));
            }
        }
        return out;
    }
}
