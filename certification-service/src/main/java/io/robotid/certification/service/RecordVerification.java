package io.robotid.certification.service;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.google.protobuf.InvalidProtocolBufferException;

import io.robotid.certification.domain.RecordsReport;
import io.robotid.certification.domain.CertificateChain;
import io.robotid.certification.domain.CertificateRecord;
import io.robotid.certification.domain.CertificateState;
import io.robotid.certification.domain.CertificationSeals;
import io.robotid.certification.domain.Environment;
import io.robotid.certification.domain.Outcome;
import io.robotid.certification.domain.ProtoValues;
import io.robotid.certification.domain.SealCheck;
import io.robotid.certification.domain.SealCheck.Layout;
import io.robotid.certification.domain.StoredConditions;
import io.robotid.certification.domain.Subject;
import io.robotid.certification.domain.SubjectKind;
import io.robotid.certification.domain.Tier;
import io.robotid.certification.repository.FeedRepository;
import io.robotid.certification.repository.StoredRecords;
import io.robotid.certification.repository.StoredRecords.StoredAction;
import io.robotid.certification.repository.StoredRecords.StoredBody;
import io.robotid.certification.repository.StoredRecords.StoredCertificate;
import io.robotid.certification.repository.StoredRecords.StoredFeedEntry;
import io.robotid.certification.repository.StoredRecords.StoredMark;
import io.robotid.certification.repository.StoredRecords.StoredResult;
import io.robotid.certification.repository.StoredRecords.StoredStamp;
import io.robotid.certification.repository.StoredRecords.SubjectRecords;
import io.robotid.evidence.codec.Hex;
import io.robotid.evidence.format.CertificationRecords;
import io.robotid.kit.audit.AuditStamp;
import io.robotid.kit.validation.Violations;
import io.robotid.proto.certification.v1.ChangeKind;
import io.robotid.proto.certification.v1.RevalidationNeed;
import io.robotid.proto.certification.v1.UnitRevalidation;
import io.robotid.proto.certification.v1.WatchCertificationChangesResponse;
import io.robotid.proto.common.v1.Discrepancy;
import io.smallrye.mutiny.Uni;

/**
 * VerifyRecords: checks what certification-service stores about one subject (a model code or a robot ID)
 * or one certification body against the seals (EVIDENCE.md section 6), and names every difference:
 * table, key, column, and which check failed (never the stored values: the call is public).
 *
 * <ul>
 * <li>Every sealed row (accreditation, test result, certificate, action, re-validation mark and its
 * clearing) is encoded again from its columns and compared with its hash and the record it was sealed
 * with; a changed column is named by the field where the two records differ.</li>
 * <li>Links: a certificate names its test result by hash; each action links to the record before it, from
 * the certificate to the head the certificate row keeps; a clearing names its mark by hash.</li>
 * <li>Copies: a certificate's subject, tier, conditions, report and validity are its test result's; its
 * state, reason, suspending role and last change are the fold of its chain; a feed entry's kind,
 * certificate, robot and time are its body's, and its body is what the records give for the change it
 * announces; every issue and action, and every change of a robot's marks, has its entry.</li>
 * </ul>
 * A copy is compared with its source only when the source itself verifies, so one changed column is
 * named once, where it changed. A subject or body with nothing stored verifies, with nothing checked:
 * whether a model or robot exists is filing-service's and identity-service's to say.
 */
@ApplicationScoped
public class RecordVerification implements io.robotid.kit.tlog.TlogRecords {
    private static final List<String> STAMP = List.of("subject", "role", "organisation", "at", "request_id", "trace_id");
    static final Layout BODY = layout(CertificationRecords.BODY_TAG, "sealed", "record_hash", "body_id", "name", "country",
            "tiers", "standards", "accreditation_version");
    static final Layout RESULT = layout(CertificationRecords.RESULT_TAG, "sealed", "record_hash", "id",
            "certified_subject", "subject_kind", "model_code", "manufacturer_code", "body_id", "tier", "standards",
            "test_date", "outcome", "has_conditions", "max_speed_m_per_s", "max_payload_kg", "environment",
            "people_nearby_allowed", "task_categories", "task_categories", "report_uri", "report_sha256", "valid_from",
            "valid_until", "certificate_id");
    /** Field 3, the result's hash, is the link the result_id column names. */
    static final Layout CERTIFICATE = layout(CertificationRecords.CERTIFICATE_TAG, "sealed", "record_hash", "id",
            "result_id", "result_id", "valid_from", "valid_until");
    /** Field 6, the suspending role after the action, is what state_after makes of the chain before it. */
    static final Layout ACTION = layout(CertificationRecords.ACTION_TAG, "sealed", "record_hash", "certificate_id",
            "previous_hash", "action", "state_after", "reason", "state_after");
    static final Layout MARK = new Layout(CertificationRecords.MARK_TAG, List.of("robot_id", "tier", "since", "cause",
            "lifecycle_event_sequence", "lifecycle_event_hash", "lifecycle_feed_sequence", "marked_at"), "mark_sealed",
            "mark_hash");
    static final Layout CLEARING = new Layout(CertificationRecords.CLEARING_TAG, List.of("mark_hash", "cleared_at",
            "cleared_by_certificate"), "clearing_sealed", "clearing_hash");
    private static final int CERTIFICATE_RESULT_HASH = 2;
    private static final int ACTION_SUSPENDED_BY = 5;
    private static final int CLEARING_MARK_HASH = 0;

    private final StoredRecords stored;

    public RecordVerification(StoredRecords stored) {
        this.stored = stored;
    }

    /**
     * A logged record's sealed bytes as stored (a history report shows them; a row changed since it was
     * logged is shown as it is, so the report's verifier names it), for test results and certificates.
     */
    @Override
    public Uni<java.util.Optional<byte[]>> record(String logKey) {
        return stored.sealedByLogKey(logKey);
    }

    /** Exactly one of {@code subject} (model code or robot ID, any accepted form) and {@code bodyId}. */
    public Uni<RecordsReport> verify(String subject, String bodyId) {
        boolean bySubject = subject != null && !subject.isBlank();
        boolean byBody = bodyId != null && !bodyId.isBlank();
        Violations v = new Violations();
        if (bySubject && byBody) {
            v.add("body_id", "must be empty when subject is given: one subject or one body at a time");
        } else if (!bySubject && !byBody) {
            v.add("subject", "is required (a model code or robot ID), unless body_id is given");
        }
        v.throwIfAny();
        if (byBody) {
            String id = BodyService.bodyId("body_id", bodyId, v);
            v.throwIfAny();
            return stored.body(id).map(found -> new Check().body(id, found.getKey(), found.getValue()));
        }
        Subject parsed = Subject.parse("subject", subject, v);
        v.throwIfAny();
        boolean robot = parsed.kind() == SubjectKind.UNIT;
        return stored.ofSubject(parsed.canonical(), robot).map(records -> new Check().subject(parsed, records));
    }

    private static Layout layout(String tag, String sealed, String hash, String... fields) {
        List<String> columns = new ArrayList<>(List.of(fields));
        columns.addAll(STAMP);
        return new Layout(tag, columns, sealed, hash);
    }

    /** A certificate's state after one link of its chain: the issue (action null) or an action. */
    private record Link(StoredAction action, String hash, String state, String reason, String suspendedBy,
            StoredStamp changed) {
    }

    /** A certificate's chain as walked from the certificate, and whether every link verified. */
    private record Chain(List<Link> links, boolean intact) {
    }

    /** A feed entry as stored, its body read (null when unreadable), and whether its seal holds. */
    private record Entry(StoredFeedEntry row, WatchCertificationChangesResponse body, boolean sealed) {
        String key() {
            return "sequence=" + row.sequence();
        }
    }

    /** One verification: what was found, and how many records were checked. */
    private static final class Check {
        final List<Discrepancy> found = new ArrayList<>();
        final Map<UUID, SealCheck.Result> resultSeals = new HashMap<>();
        final Map<UUID, SealCheck.Result> certificateSeals = new HashMap<>();
        final Map<Long, SealCheck.Result> markSeals = new HashMap<>();
        final Set<Long> entriesNamed = new HashSet<>();
        int checked;

        RecordsReport body(String bodyId, Optional<StoredBody> body, boolean named) {
            if (body.isEmpty()) {
                if (named) {
                    found("certification_body", "body_id=" + bodyId, "",
                            "missing: test results or certificates name this body, but it has no accreditation record");
                }
            } else {
                StoredBody b = body.get();
                checked++;
                guarded("certification_body", "body_id=" + b.bodyId(), () -> seal("certification_body",
                        "body_id=" + b.bodyId(), BODY, CertificationRecords.encode(b.sealable()), b.sealed(), b.recordHash()));
            }
            return answer();
        }

        RecordsReport subject(Subject subject, SubjectRecords r) {
            checked = r.results().size() + r.certificates().size() + r.actions().size() + r.marks().size()
                    + r.feed().size();
            Map<UUID, StoredResult> results = new LinkedHashMap<>();
            for (StoredResult result : r.results()) {
                results.put(result.id(), result);
                guarded("test_result", key(result.id()), () -> resultSeals.put(result.id(), seal("test_result",
                        key(result.id()), RESULT, CertificationRecords.encode(result.sealable()), result.sealed(),
                        result.recordHash())));
            }
            Map<UUID, Chain> chains = new LinkedHashMap<>();
            Set<Long> linked = new HashSet<>();
            for (StoredCertificate c : r.certificates()) {
                guarded("certificate", key(c.id()), () -> {
                    certificate(c, results.get(c.resultId()));
                    chains.put(c.id(), chain(c, r.actions(), linked));
                });
            }
            for (StoredAction a : r.actions()) {
                if (!linked.contains(a.id())) {
                    guarded("certificate_action", key(a.id()), () -> unlinked(a));
                }
            }
            List<Entry> entries = new ArrayList<>();
            for (StoredFeedEntry f : r.feed()) {
                guarded("certification_feed", "sequence=" + f.sequence(), () -> entries.add(entry(f)));
            }
            for (StoredCertificate c : r.certificates()) {
                Chain chain = chains.get(c.id());
                if (chain != null) {
                    guarded("certificate", key(c.id()), () -> announcements(c, results.get(c.resultId()), chain, entries));
                }
            }
            if (subject.kind() == SubjectKind.UNIT) {
                for (StoredMark m : r.marks()) {
                    guarded("revalidation_mark", key(m.id()), () -> mark(m, r.certificates(), results));
                }
                guarded("revalidation_mark", "robot_id=" + subject.canonical(),
                        () -> markAnnouncements(subject.canonical(), r.marks(), entries));
            }
            for (Entry e : entries) {
                if (!e.sealed() && !entriesNamed.contains(e.row().sequence())) {
                    found("certification_feed", e.key(), "entry_hash", e.row().entryHash() == null
                            ? "missing: the entry is not sealed"
                            : "is not the seal of the entry's stored sequence, kind, certificate_id, robot_id, changed_at "
                                    + "and body");
                }
            }
            return answer();
        }

        // ---------------------------------------------------------------------------------- sealed rows

        void certificate(StoredCertificate c, StoredResult result) {
            String key = key(c.id());
            SealCheck.Result resultSeal = result == null ? null : resultSeals.get(result.id());
            // the result's hash as sealed; without the result, the certificate's own (so only result_id is named)
            String resultHash = resultSeal != null ? resultSeal.genuineHash()
                    : sealedDigest(CertificationRecords.CERTIFICATE_TAG, c.sealed(), CERTIFICATE_RESULT_HASH);
            certificateSeals.put(c.id(), seal("certificate", key, CERTIFICATE,
                    CertificationRecords.encode(c.sealable(resultHash)), c.sealed(), c.recordHash()));
            if (result == null) {
                found("certificate", key, "result_id", "names no stored test result");
                return;
            }
            if (!intact(resultSeal)) {
                return;
            }
            if (!c.id().equals(result.certificateId())) {
                found("certificate", key, "id", "its test result names another certificate");
            }
            Map<String, Object> source = result.content().byColumn();
            c.content().byColumn().forEach((column, value) -> {
                if (!Objects.equals(value, source.get(column))) {
                    found("certificate", key, column, "differs from its test result");
                }
            });
        }

        /**
         * Walks the certificate's chain from the certificate by its links, checking each action's seal, then
         * compares the certificate row's head and state columns with the chain's last link.
         */
        Chain chain(StoredCertificate c, List<StoredAction> actions, Set<Long> linked) {
            String key = key(c.id());
            SealCheck.Result certificateSeal = certificateSeals.get(c.id());
            List<Link> links = new ArrayList<>();
            links.add(new Link(null, certificateSeal.genuineHash(), CertificateState.ACTIVE.name(), "", null, null));
            boolean intact = true;
            while (true) {
                Link last = links.get(links.size() - 1);
                List<StoredAction> next = actions.stream()
                        .filter(a -> !linked.contains(a.id()) && last.hash().equals(a.previousHash()))
                        .sorted(Comparator.comparingLong(StoredAction::id)).toList();
                if (next.isEmpty()) {
                    break;
                }
                for (StoredAction fork : next.subList(1, next.size())) {
                    found("certificate_action", key(fork.id()), "previous_hash",
                            "links to the same record as another action: the chain forks");
                    intact = false;
                }
                StoredAction a = next.get(0);
                linked.add(a.id());
                String derived = CertificateChain.suspendedByRoleAfter(a.stateAfter(), a.stamp().role(), last.suspendedBy());
                String sealedSuspendedBy = sealedText(CertificationRecords.ACTION_TAG, a.sealed(), ACTION_SUSPENDED_BY);
                boolean genuine = a.sealed() != null && CertificationSeals.hash(a.sealed()).equals(a.recordHash());
                String suspendedBy = genuine && sealedSuspendedBy != null ? emptyToNull(sealedSuspendedBy) : derived;
                SealCheck.Result seal = seal("certificate_action", key(a.id()), ACTION,
                        CertificationRecords.encode(a.sealable(suspendedBy)), a.sealed(), a.recordHash());
                if (seal.intact() && !Objects.equals(suspendedBy, derived)) {
                    found("certificate_action", key(a.id()), "state_after",
                            "seals a suspending role that the chain before it does not give");
                }
                intact &= seal.intact();
                links.add(new Link(a, seal.genuineHash(), a.stateAfter(), a.reason(), suspendedBy, a.stamp()));
            }
            for (StoredAction a : actions) {
                if (c.id().equals(a.certificateId()) && !linked.contains(a.id())) {
                    intact = false;
                }
            }
            if (intact) {
                Link head = links.get(links.size() - 1);
                if (!Objects.equals(c.headHash(), head.hash())) {
                    found("certificate", key, "head_hash", "is not the hash of the last link of its chain of actions");
                }
                fold(key, c, head);
            }
            return new Chain(links, intact);
        }

        /** The certificate row's state columns against the chain's last link. */
        void fold(String key, StoredCertificate c, Link head) {
            StoredStamp changed = head.changed() == null ? new StoredStamp(null, null, null, null, null, null) : head.changed();
            String problem = "is not what its chain of actions gives";
            compare("certificate", key, "state", c.state(), head.state(), problem);
            compare("certificate", key, "state_reason", c.stateReason(), head.reason(), problem);
            compare("certificate", key, "suspended_by_role", c.suspendedByRole(), head.suspendedBy(), problem);
            compare("certificate", key, "changed_subject", c.changed().subject(), changed.subject(), problem);
            compare("certificate", key, "changed_role", c.changed().role(), changed.role(), problem);
            compare("certificate", key, "changed_organisation", c.changed().organisation(), changed.organisation(), problem);
            compare("certificate", key, "changed_at", c.changed().at(), changed.at(), problem);
            compare("certificate", key, "changed_request_id", c.changed().requestId(), changed.requestId(), problem);
            compare("certificate", key, "changed_trace_id", c.changed().traceId(), changed.traceId(), problem);
        }

        /** An action that no certificate's chain reaches: named, and its own seal checked as far as it can be. */
        void unlinked(StoredAction a) {
            found("certificate_action", key(a.id()), "previous_hash", "does not link into its certificate's chain");
            String suspendedBy = emptyToNull(sealedText(CertificationRecords.ACTION_TAG, a.sealed(), ACTION_SUSPENDED_BY));
            seal("certificate_action", key(a.id()), ACTION, CertificationRecords.encode(a.sealable(suspendedBy)), a.sealed(),
                    a.recordHash());
        }

        /** A mark, its clearing, and that the clearing certificate is a passing unit-level test that clears it. */
        void mark(StoredMark m, List<StoredCertificate> certificates, Map<UUID, StoredResult> results) {
            String key = key(m.id());
            SealCheck.Result markSeal = seal("revalidation_mark", key, MARK, CertificationRecords.encode(m.sealable()),
                    m.markSealed(), m.markHash());
            markSeals.put(m.id(), markSeal);
            if (!m.anyClearing()) {
                return;
            }
            boolean cleared = m.clearedAt() != null && m.clearedByCertificate() != null;
            if (cleared && m.clearingHash() == null) {
                found("revalidation_mark", key, "clearing_hash", "missing: the mark is cleared, but its clearing is not sealed");
                markSeals.put(m.id(), new SealCheck.Result(false, markSeal.genuineHash(), List.of()));
                return;
            }
            if (!cleared) {
                Map<String, Object> clearing = new LinkedHashMap<>();
                clearing.put("cleared_at", m.clearedAt());
                clearing.put("cleared_by_certificate", m.clearedByCertificate());
                clearing.put("clearing_sealed", m.clearingSealed());
                clearing.put("clearing_hash", m.clearingHash());
                clearing.forEach((column, value) -> {
                    if (value != null) {
                        found("revalidation_mark", key, column, "is set, but the mark is not cleared");
                    }
                });
                markSeals.put(m.id(), new SealCheck.Result(false, markSeal.genuineHash(), List.of()));
                return;
            }
            String markHash = markSeal.intact() ? markSeal.genuineHash()
                    : sealedDigest(CertificationRecords.CLEARING_TAG, m.clearingSealed(), CLEARING_MARK_HASH);
            SealCheck.Result clearingSeal = seal("revalidation_mark", key, CLEARING,
                    CertificationRecords.encode(m.sealableClearing(markHash)), m.clearingSealed(), m.clearingHash());
            if (!clearingSeal.intact()) {
                markSeals.put(m.id(), new SealCheck.Result(false, markSeal.genuineHash(), List.of()));
                return;
            }
            if (!markSeal.intact()) {
                return;
            }
            // what the clearing certificate's test says, when the certificate and its test result verify
            Optional<StoredCertificate> by = certificates.stream().filter(c -> c.id().equals(m.clearedByCertificate()))
                    .findFirst();
            StoredResult test = by.map(c -> results.get(c.resultId())).orElse(null);
            if (by.isPresent() && (test == null || !intact(certificateSeals.get(by.get().id()))
                    || !intact(resultSeals.get(test.id())))) {
                return;
            }
            boolean clears = test != null && test.content().subject().equals(m.robotId())
                    && test.content().tier().equals(m.tier()) && !test.content().testDate().isBefore(m.since());
            if (!clears) {
                found("revalidation_mark", key, "cleared_by_certificate",
                        "names no passing unit-level test of the robot and tier dated at or after the mark's since");
            }
        }

        // ---------------------------------------------------------------------------------- feed entries

        /** An entry's seal and its copy columns against its body. */
        Entry entry(StoredFeedEntry f) {
            boolean sealed = f.entryHash() != null
                    && CertificationSeals.hash(CertificationRecords.encode(f.sealable())).equals(f.entryHash());
            WatchCertificationChangesResponse body;
            try {
                body = f.body() == null ? null : WatchCertificationChangesResponse.parseFrom(f.body());
            } catch (InvalidProtocolBufferException e) {
                body = null;
            }
            Entry entry = new Entry(f, body, sealed);
            if (body == null) {
                entryFound(entry, "body", "is not a robotid.certification.v1.WatchCertificationChangesResponse");
                return entry;
            }
            if (body.getSequence() != 0 || !body.getEntryHash().isEmpty()) {
                entryFound(entry, "body", "carries a sequence or seal (the body is stored without them)");
            } else if (body.hasRevalidation() && !body.equals(revalidation(body))) {
                entryFound(entry, "body", "holds more than a change of a robot's re-validation needs");
            }
            String problem = "differs from the entry's body";
            if (!body.getKind().name().equals(f.kind())) {
                entryFound(entry, "kind", problem);
            }
            if (!Objects.equals(FeedRepository.certificateId(body), f.certificateId() == null ? null : f.certificateId().toString())) {
                entryFound(entry, "certificate_id", problem);
            }
            if (!Objects.equals(FeedRepository.robotId(body), f.robotId())) {
                entryFound(entry, "robot_id", problem);
            }
            if (!micros(ProtoValues.instant(body.getChangedAt())).equals(f.changedAt())) {
                entryFound(entry, "changed_at", problem);
            }
            return entry;
        }

        /** A re-validation entry rebuilt from its parts: what the service writes, and nothing else. */
        private static WatchCertificationChangesResponse revalidation(WatchCertificationChangesResponse body) {
            return WatchCertificationChangesResponse.newBuilder().setChangedAt(body.getChangedAt())
                    .setKind(ChangeKind.CHANGE_KIND_REVALIDATION_CHANGED)
                    .setRevalidation(UnitRevalidation.newBuilder().setRobotId(body.getRevalidation().getRobotId())
                            .addAllNeeds(body.getRevalidation().getNeedsList()))
                    .build();
        }

        /**
         * The feed entries about a certificate against its chain: each link (the issue, each action) is
         * announced by one entry whose body is what the records give for it. Entries are matched to links
         * by their bodies; what is left over is paired in order (a changed body), or missing, or extra.
         */
        void announcements(StoredCertificate c, StoredResult result, Chain chain, List<Entry> entries) {
            if (!chain.intact()) {
                return;
            }
            boolean sources = result != null && intact(resultSeals.get(result.id())) && intact(certificateSeals.get(c.id()));
            List<Entry> about = entries.stream().filter(e -> e.body() != null && e.body().hasCertificate()
                    ? e.body().getCertificate().getCertificateId().equals(c.id().toString())
                    : e.body() == null && c.id().equals(e.row().certificateId())).toList();
            List<Link> unmatchedLinks = new ArrayList<>();
            List<Entry> unmatched = new ArrayList<>(about);
            for (Link link : chain.links()) {
                WatchCertificationChangesResponse expected = sources ? expected(result, c, link) : null;
                Optional<Entry> match = unmatched.stream().filter(e -> e.body() != null && (expected == null
                        ? sameChange(e.body(), link) : announces(e.body(), expected))).findFirst();
                match.ifPresentOrElse(unmatched::remove, () -> unmatchedLinks.add(link));
            }
            for (int i = 0; i < Math.max(unmatchedLinks.size(), unmatched.size()); i++) {
                if (i >= unmatched.size()) {
                    Link link = unmatchedLinks.get(i);
                    found("certification_feed", "certificate_id=" + c.id(), "certificate_id", "missing: no feed entry with "
                            + "this certificate_id announces " + (link.action() == null ? "its issue"
                                    : "its action id=" + link.action().id()));
                } else if (i >= unmatchedLinks.size()) {
                    entryFound(unmatched.get(i), "body", "announces a change that the certificate's chain does not have");
                } else if (unmatched.get(i).body() != null) {
                    entryFound(unmatched.get(i), "body", "is not what the certificate's records give for the change it announces");
                }
            }
        }

        /** Without verified sources, an entry announces a link when its kind and head hash name it. */
        private static boolean sameChange(WatchCertificationChangesResponse body, Link link) {
            return body.getKind() == kind(link) && (body.getCertificate().getHeadSha256().isEmpty()
                    || body.getCertificate().getHeadSha256().equals(link.hash()));
        }

        /**
         * Entries written before records were sealed carry no hashes in their certificate, and the instants a
         * body posted as it posted them (the rows kept microseconds): compared without hashes, to the
         * microsecond.
         */
        private static boolean announces(WatchCertificationChangesResponse body, WatchCertificationChangesResponse expected) {
            if (!body.getCertificate().getRecordSha256().isEmpty()) {
                return body.equals(expected);
            }
            var certificate = body.getCertificate().toBuilder();
            certificate.setTestDate(micros(certificate.getTestDate()));
            certificate.getValidityBuilder().setValidFrom(micros(certificate.getValidity().getValidFrom()))
                    .setValidUntil(micros(certificate.getValidity().getValidUntil()));
            return body.toBuilder().setCertificate(certificate).build().equals(expected.toBuilder()
                    .setCertificate(expected.getCertificate().toBuilder().clearRecordSha256().clearHeadSha256()).build());
        }

        /** The entry a link makes: the certificate as the link leaves it, at the link's instant. Null when unreadable. */
        private WatchCertificationChangesResponse expected(StoredResult r, StoredCertificate c, Link link) {
            ChangeKind kind = kind(link);
            if (kind == null) {
                return null;
            }
            try {
                var content = r.content();
                CertificateRecord record = new CertificateRecord();
                record.id = c.id();
                record.resultId = c.resultId();
                record.subject = content.subject();
                record.subjectKind = SubjectKind.valueOf(content.subjectKind());
                record.modelCode = content.modelCode();
                record.manufacturerCode = content.manufacturerCode();
                record.bodyId = content.bodyId();
                record.tier = Tier.valueOf(content.tier());
                record.standards = content.standards().toArray(new String[0]);
                record.testDate = content.testDate();
                record.outcome = Outcome.valueOf(content.outcome());
                StoredConditions conditions = new StoredConditions();
                conditions.hasConditions = content.hasConditions();
                conditions.maxSpeedMPerS = content.maxSpeedMPerS();
                conditions.maxPayloadKg = content.maxPayloadKg();
                conditions.environment = content.environment() == null ? null : Environment.valueOf(content.environment());
                conditions.peopleNearbyAllowed = content.peopleNearbyAllowed();
                conditions.taskCategories = content.taskCategories() == null ? null
                        : content.taskCategories().toArray(new String[0]);
                record.conditions = conditions;
                record.reportUri = content.reportUri();
                record.reportSha256 = content.reportSha256();
                record.validFrom = c.content().validFrom();
                record.validUntil = c.content().validUntil();
                record.state = CertificateState.valueOf(link.state());
                record.stateReason = link.reason();
                record.suspendedByRole = link.suspendedBy();
                record.issued = auditStamp(c.issued());
                record.lastChanged = link.changed() == null ? null : auditStamp(link.changed());
                record.recordHash = certificateSeals.get(c.id()).genuineHash();
                record.headHash = link.hash();
                Instant at = link.action() == null ? c.issued().at() : link.action().stamp().at();
                return WatchCertificationChangesResponse.newBuilder().setChangedAt(ProtoValues.timestamp(at)).setKind(kind)
                        .setCertificate(CertificationProtos.certificate(record, at)).build();
            } catch (RuntimeException unreadable) {
                return null;
            }
        }

        private static ChangeKind kind(Link link) {
            if (link.action() == null) {
                return ChangeKind.CHANGE_KIND_CERTIFICATE_ISSUED;
            }
            return switch (link.action().action()) {
                case "SUSPEND" -> ChangeKind.CHANGE_KIND_CERTIFICATE_SUSPENDED;
                case "REINSTATE" -> ChangeKind.CHANGE_KIND_CERTIFICATE_REINSTATED;
                case "REVOKE" -> ChangeKind.CHANGE_KIND_CERTIFICATE_REVOKED;
                default -> null;
            };
        }

        /**
         * A robot's re-validation entries against its marks: each need an entry lists is a stored mark, and
         * each change of the marks (a marking, a later clearing) has an entry at its instant, and no entry
         * announces a change that no mark records. Only when every mark verifies.
         */
        void markAnnouncements(String robot, List<StoredMark> marks, List<Entry> entries) {
            if (marks.stream().anyMatch(m -> !intact(markSeals.get(m.id())))) {
                return;
            }
            Set<RevalidationNeed> recorded = new HashSet<>();
            Set<Instant> changes = new HashSet<>();
            for (StoredMark m : marks) {
                recorded.add(RevalidationNeed.newBuilder().setTier(Tier.valueOf(m.tier()).proto())
                        .setSince(ProtoValues.timestamp(m.since())).setCause(m.cause())
                        .setLifecycleEventSequence(m.lifecycleEventSequence())
                        .setLifecycleFeedSequence(m.lifecycleFeedSequence()).build());
                changes.add(m.markedAt());
                if (m.clearedAt() != null && m.clearedAt().isAfter(m.markedAt())) {
                    changes.add(m.clearedAt());
                }
            }
            Set<Instant> announced = new HashSet<>();
            for (Entry e : entries) {
                if (e.body() == null || !e.body().hasRevalidation() || !e.body().getRevalidation().getRobotId().equals(robot)) {
                    continue;
                }
                Instant at = micros(ProtoValues.instant(e.body().getChangedAt()));
                announced.add(at);
                if (!changes.contains(at)) {
                    entryFound(e, "body", "announces a change of the robot's re-validation marks that no mark records");
                }
                for (RevalidationNeed need : e.body().getRevalidation().getNeedsList()) {
                    if (!recorded.contains(need)) {
                        found("revalidation_mark", "robot_id=" + robot + ",tier=" + need.getTier().name()
                                + ",lifecycle_feed_sequence=" + need.getLifecycleFeedSequence(), "robot_id",
                                "missing: feed entry " + e.row().sequence() + " lists this need, but no mark of the robot "
                                        + "records it");
                    }
                }
            }
            if (changes.stream().anyMatch(at -> !announced.contains(at))) {
                found("certification_feed", "robot_id=" + robot, "robot_id", "missing: a change of the robot's "
                        + "re-validation marks has no feed entry with this robot_id");
            }
        }

        // ---------------------------------------------------------------------------------- helpers

        /** Whether a record was checked and verified (a record that could not be checked is not). */
        static boolean intact(SealCheck.Result seal) {
            return seal != null && seal.intact();
        }

        SealCheck.Result seal(String table, String key, Layout layout, byte[] recomputed, byte[] sealed, String hash) {
            SealCheck.Result result = SealCheck.check(layout, recomputed, sealed, hash);
            result.findings().forEach(f -> found(table, key, f.column(), f.problem()));
            return result;
        }

        /** Runs one record's checks; a record that cannot even be read as its format is named, never an error. */
        void guarded(String table, String key, Runnable check) {
            try {
                check.run();
            } catch (RuntimeException unreadable) {
                found(table, key, "", "could not be checked: its stored values do not form a record");
            }
        }

        void compare(String table, String key, String column, Object stored, Object expected, String problem) {
            if (!Objects.equals(stored, expected)) {
                found(table, key, column, problem);
            }
        }

        void entryFound(Entry e, String column, String problem) {
            entriesNamed.add(e.row().sequence());
            found("certification_feed", e.key(), column, problem);
        }

        void found(String table, String key, String column, String problem) {
            found.add(Discrepancy.newBuilder().setTable(table).setKey(key).setColumn(column).setProblem(problem).build());
        }

        RecordsReport answer() {
            return new RecordsReport(found.isEmpty(), checked, found);
        }
    }

    private static String key(Object id) {
        return "id=" + id;
    }

    private static Instant micros(Instant at) {
        return at.truncatedTo(ChronoUnit.MICROS);
    }

    private static com.google.protobuf.Timestamp micros(com.google.protobuf.Timestamp t) {
        return t.toBuilder().setNanos(t.getNanos() / 1000 * 1000).build();
    }

    private static String emptyToNull(String text) {
        return text == null || text.isEmpty() ? null : text;
    }

    private static AuditStamp auditStamp(StoredStamp s) {
        return new AuditStamp(s.subject(), s.role(), s.organisation(), s.at(), UUID.fromString(s.requestId()), s.traceId());
    }

    /** A text field of a sealed record, or null when the record has no such field. */
    private static String sealedText(String tag, byte[] record, int index) {
        byte[] field = SealCheck.field(tag, record, index);
        return field == null ? null : new String(field, StandardCharsets.UTF_8);
    }

    /** A digest field of a sealed record as hex, or null when the record has no such field. */
    private static String sealedDigest(String tag, byte[] record, int index) {
        byte[] field = SealCheck.field(tag, record, index);
        return field == null ? null : Hex.of(field);
    }
}
