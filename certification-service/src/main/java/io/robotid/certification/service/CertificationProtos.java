package io.robotid.certification.service;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import com.google.protobuf.Timestamp;

import io.robotid.certification.domain.CertificateRecord;
import io.robotid.certification.domain.CertificationBody;
import io.robotid.certification.domain.Conditions;
import io.robotid.certification.domain.ProtoValues;
import io.robotid.certification.domain.RevalidationMark;
import io.robotid.certification.domain.TestResultRecord;
import io.robotid.certification.domain.Tier;
import io.robotid.kit.audit.AuditStamp;
import io.robotid.proto.certification.v1.Certificate;
import io.robotid.proto.certification.v1.Evidence;
import io.robotid.proto.certification.v1.OperatingConditions;
import io.robotid.proto.certification.v1.RevalidationNeed;
import io.robotid.proto.certification.v1.TestResult;
import io.robotid.proto.certification.v1.Validity;

/** Stored records as the API shows them (gRPC, and REST through its own JSON views). */
public final class CertificationProtos {
    private CertificationProtos() {
    }

    public static io.robotid.proto.certification.v1.CertificationBody body(CertificationBody body) {
        return io.robotid.proto.certification.v1.CertificationBody.newBuilder()
                .setBodyId(body.bodyId).setName(body.name).setCountry(body.country)
                .addAllTiers(body.tierSet().stream().map(Tier::proto).toList())
                .addAllStandards(Arrays.asList(body.standards))
                .setAccreditationVersion(body.accreditationVersion)
                .setAccredited(stamp(body.accredited)).build();
    }

    public static TestResult result(TestResultRecord r) {
        TestResult.Builder b = TestResult.newBuilder().setResultId(r.id.toString()).setSubject(r.subject)
                .setSubjectKind(r.subjectKind.proto()).setModelCode(r.modelCode).setManufacturerCode(r.manufacturerCode)
                .setBodyId(r.bodyId).setTier(r.tier.proto()).addAllStandards(Arrays.asList(r.standards))
                .setTestDate(timestamp(r.testDate)).setOutcome(r.outcome.proto())
                .setEvidence(Evidence.newBuilder().setReportUri(r.reportUri).setReportSha256(r.reportSha256))
                .setSubmitted(stamp(r.submitted)).setRecordSha256(orEmpty(r.recordHash));
        Conditions posted = r.conditions == null ? null : r.conditions.posted();
        if (posted != null) {
            b.setConditions(conditions(posted));
        }
        if (r.validFrom != null || r.validUntil != null) {
            Validity.Builder v = Validity.newBuilder();
            if (r.validFrom != null) {
                v.setValidFrom(timestamp(r.validFrom));
            }
            if (r.validUntil != null) {
                v.setValidUntil(timestamp(r.validUntil));
            }
            b.setValidity(v);
        }
        if (r.certificateId != null) {
            b.setCertificateId(r.certificateId.toString());
        }
        return b.build();
    }

    /** @param now the instant {@code expired} is computed for */
    public static Certificate certificate(CertificateRecord c, Instant now) {
        Certificate.Builder b = Certificate.newBuilder().setCertificateId(c.id.toString())
                .setResultId(c.resultId.toString()).setSubject(c.subject).setSubjectKind(c.subjectKind.proto())
                .setModelCode(c.modelCode).setManufacturerCode(c.manufacturerCode).setBodyId(c.bodyId)
                .setTier(c.tier.proto()).addAllStandards(Arrays.asList(c.standards)).setTestDate(timestamp(c.testDate))
                .setOutcome(c.outcome.proto())
                .setValidity(Validity.newBuilder().setValidFrom(timestamp(c.validFrom)).setValidUntil(timestamp(c.validUntil)))
                .setEvidence(Evidence.newBuilder().setReportUri(c.reportUri).setReportSha256(c.reportSha256))
                .setState(c.state.proto()).setStateReason(c.stateReason == null ? "" : c.stateReason)
                .setIssued(stamp(c.issued)).setExpired(c.expiredAt(now))
                .setRecordSha256(orEmpty(c.recordHash)).setHeadSha256(orEmpty(c.headHash));
        Conditions posted = c.conditions == null ? null : c.conditions.posted();
        if (posted != null) {
            b.setConditions(conditions(posted));
        }
        if (c.lastChanged != null && c.lastChanged.subject != null) {
            b.setLastChanged(stamp(c.lastChanged));
        }
        return b.build();
    }

    public static OperatingConditions conditions(Conditions c) {
        return ProtoValues.conditions(c);
    }

    public static RevalidationNeed need(RevalidationMark m) {
        return ProtoValues.need(m);
    }

    public static List<RevalidationNeed> needs(List<RevalidationMark> open) {
        return open.stream().map(CertificationProtos::need).toList();
    }

    public static io.robotid.proto.common.v1.AuditStamp stamp(AuditStamp s) {
        return io.robotid.proto.common.v1.AuditStamp.newBuilder().setSubject(s.subject).setRole(s.role)
                .setOrganisation(s.organisation).setRequestId(s.requestId.toString()).setTraceId(s.traceId)
                .setTime(timestamp(s.at)).build();
    }

    private static String orEmpty(String hash) {
        return hash == null ? "" : hash;
    }

    public static Timestamp timestamp(Instant at) {
        return ProtoValues.timestamp(at);
    }

    public static Instant instant(Timestamp t) {
        return ProtoValues.instant(t);
    }
}
