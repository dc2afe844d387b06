package io.robotid.certification.service;

import io.robotid.certification.repository.RobotLocks;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.robotid.certification.domain.CertificateRecord;
import io.robotid.certification.domain.CertificateState;
import io.robotid.certification.domain.CertificationSeals;
import io.robotid.certification.domain.RevalidationMark;
import io.robotid.certification.domain.StoredConditions;
import io.robotid.certification.domain.SubjectKind;
import io.robotid.certification.domain.SubmittedTestResult;
import io.robotid.certification.domain.TestResultRecord;
import io.robotid.certification.repository.CertificateRepository;
import io.robotid.certification.repository.FeedRepository;
import io.robotid.certification.repository.RevalidationMarkRepository;
import io.robotid.certification.repository.TestResultRepository;
import io.robotid.kit.audit.WriteContext;
import io.robotid.proto.certification.v1.Certificate;
import io.robotid.proto.certification.v1.ChangeKind;
import io.robotid.proto.certification.v1.RevalidationNeed;
import io.robotid.proto.certification.v1.UnitRevalidation;
import io.robotid.proto.certification.v1.WatchCertificationChangesResponse;
import io.robotid.certification.domain.LogKeys;
import io.robotid.kit.tlog.TransparencyLog;
import io.smallrye.mutiny.Uni;

/**
 * Stores a checked test result in the caller's transaction (the idempotency record's): the result,
 * for a pass its certificate, for a passing unit-level test the re-validation marks it clears, and
 * the feed entries, each sealed as it is written (EVIDENCE.md section 6). Locks are taken in one order
 * everywhere: the robot, then the feed.
 */
@ApplicationScoped
public class TestResultRecorder {
    private final TestResultRepository results;
    private final CertificateRepository certificates;
    private final RevalidationMarkRepository marks;
    private final FeedRepository feed;

    private final TransparencyLog log;

    public TestResultRecorder(TestResultRepository results, CertificateRepository certificates,
            RevalidationMarkRepository marks, FeedRepository feed, TransparencyLog log) {
        this.log = log;
        this.results = results;
        this.certificates = certificates;
        this.marks = marks;
        this.feed = feed;
    }

    /** Stores the result (and for a pass its certificate); answers what was stored, as of the submission. */
    @WithTransaction
    public Uni<SubmittedTestResult> record(WriteContext context, TestResultService.Submission s,
            String manufacturerCode) {
        TestResultRecord result = new TestResultRecord();
        result.id = UUID.randomUUID();
        result.subject = s.subject().canonical();
        result.subjectKind = s.subject().kind();
        result.modelCode = s.subject().modelCode();
        result.manufacturerCode = manufacturerCode;
        result.bodyId = context.caller().certificationBodyId().orElseThrow();
        result.tier = s.tier();
        result.standards = s.standards().toArray(new String[0]);
        result.testDate = s.testDate();
        result.outcome = s.outcome();
        result.conditions = StoredConditions.of(s.conditions());
        result.reportUri = s.reportUri();
        result.reportSha256 = s.reportSha256();
        result.validFrom = s.validFrom();
        result.validUntil = s.validUntil();
        result.submitted = context.stamp();
        if (!s.outcome().passed()) {
            CertificationSeals.seal(result);
            return results.persist(result).call(saved -> log.appendInSession(LogKeys.leaf(saved)))
                    .map(saved -> new SubmittedTestResult(saved, null, context.at()));
        }
        CertificateRecord certificate = new CertificateRecord();
        certificate.id = UUID.randomUUID();
        result.certificateId = certificate.id;
        CertificationSeals.seal(result);
        certificate.resultId = result.id;
        certificate.subject = result.subject;
        certificate.subjectKind = result.subjectKind;
        certificate.modelCode = result.modelCode;
        certificate.manufacturerCode = manufacturerCode;
        certificate.bodyId = result.bodyId;
        certificate.tier = result.tier;
        certificate.standards = result.standards;
        certificate.testDate = result.testDate;
        certificate.outcome = result.outcome;
        certificate.conditions = StoredConditions.of(s.conditions());
        certificate.reportUri = result.reportUri;
        certificate.reportSha256 = result.reportSha256;
        certificate.validFrom = s.validFrom();
        certificate.validUntil = s.validUntil();
        certificate.state = CertificateState.ACTIVE;
        certificate.stateReason = "";
        certificate.issued = context.stamp();
        CertificationSeals.seal(certificate, result.recordHash);
        Certificate issued = CertificationProtos.certificate(certificate, context.at());
        return results.persist(result)
                .chain(() -> certificates.persist(certificate))
                .call(() -> log.appendInSession(LogKeys.leaf(result), LogKeys.leaf(certificate)))
                .chain(() -> certificate.subjectKind == SubjectKind.UNIT ? revalidate(context, certificate)
                        : Uni.createFrom().voidItem())
                .chain(() -> Panache.getSession().chain(session -> feed.append(session,
                        WatchCertificationChangesResponse.newBuilder().setChangedAt(CertificationProtos.timestamp(context.at()))
                                .setKind(ChangeKind.CHANGE_KIND_CERTIFICATE_ISSUED).setCertificate(issued).build())))
                .replaceWith(() -> new SubmittedTestResult(result, certificate, context.at()));
    }

    /**
     * A passing unit-level test clears the unit's open marks of its tier from changes up to its test date;
     * each clearing is sealed with the mark's hash.
     */
    private Uni<Void> revalidate(WriteContext context, CertificateRecord certificate) {
        return Panache.getSession()
                .chain(session -> RobotLocks.lock(session, certificate.subject))
                .chain(() -> marks.of(certificate.subject))
                .chain(all -> {
                    List<RevalidationMark> cleared = all.stream().filter(m -> m.clearedAt == null
                            && m.tier == certificate.tier && !m.since.isAfter(certificate.testDate)).toList();
                    if (cleared.isEmpty()) {
                        return Uni.createFrom().voidItem();
                    }
                    for (RevalidationMark mark : cleared) {
                        if (mark.markHash == null) {
                            throw EvidenceMigration.notYetSealed("revalidation_mark");
                        }
                        CertificationSeals.clear(mark, context.at(), certificate.id);
                    }
                    Uni<Void> logged = log.appendInSession(cleared.stream().map(LogKeys::clearingLeaf)
                            .toArray(TransparencyLog.Leaf[]::new));
                    List<RevalidationNeed> open = all.stream().filter(m -> m.clearedAt == null)
                            .map(CertificationProtos::need).toList();
                    return logged.chain(() -> Panache.getSession()).chain(session -> feed.append(session,
                            WatchCertificationChangesResponse.newBuilder()
                                    .setChangedAt(CertificationProtos.timestamp(context.at()))
                                    .setKind(ChangeKind.CHANGE_KIND_REVALIDATION_CHANGED)
                                    .setRevalidation(UnitRevalidation.newBuilder().setRobotId(certificate.subject)
                                            .addAllNeeds(open))
                                    .build()));
                });
    }
}
