package io.robotid.certification.grpc;

import java.util.function.Function;

import io.robotid.certification.domain.Accreditation;
import io.robotid.certification.domain.CertificateQuery;
import io.robotid.certification.domain.CertificateRecord;
import io.robotid.certification.domain.CertificationBody;
import io.robotid.certification.domain.EffectiveCertifications;
import io.robotid.certification.domain.Page;
import io.robotid.certification.domain.PostedTestResult;
import io.robotid.certification.domain.PostedTestResult.PostedConditions;
import io.robotid.certification.domain.PostedTestResult.PostedEvidence;
import io.robotid.certification.domain.PostedTestResult.PostedValidity;
import io.robotid.certification.domain.ProtoValues;
import io.robotid.certification.domain.SubmittedTestResult;
import io.robotid.certification.domain.TestResultQuery;
import io.robotid.certification.domain.TestResultRecord;
import io.robotid.certification.service.CertificationProtos;
import io.robotid.proto.certification.v1.AccreditBodyRequest;
import io.robotid.proto.certification.v1.AccreditBodyResponse;
import io.robotid.proto.certification.v1.Certificate;
import io.robotid.proto.certification.v1.EffectiveTier;
import io.robotid.proto.certification.v1.ExcludedCertificate;
import io.robotid.proto.certification.v1.GetBodyResponse;
import io.robotid.proto.certification.v1.GetEffectiveCertificationsResponse;
import io.robotid.proto.certification.v1.GetTestResultResponse;
import io.robotid.proto.certification.v1.ListCertificatesRequest;
import io.robotid.proto.certification.v1.ListCertificatesResponse;
import io.robotid.proto.certification.v1.ListTestResultsRequest;
import io.robotid.proto.certification.v1.ListTestResultsResponse;
import io.robotid.proto.certification.v1.MissingRequirement;
import io.robotid.proto.certification.v1.OperatingConditions;
import io.robotid.proto.certification.v1.SubmitTestResultRequest;
import io.robotid.proto.certification.v1.SubmitTestResultResponse;

/**
 * The edge of certification-service: requests as the domain's inputs, the domain's answers as responses. The gRPC
 * adapter maps through here, and so does REST (which builds the same SubmitTestResultRequest, and shows the same
 * responses as JSON), so both transports answer alike. Records are shown as messages by {@link CertificationProtos}.
 */
public final class CertificationMessages {
    private CertificationMessages() {
    }

    // ------------------------------------------------------------------------------------------ in

    public static Accreditation accreditation(AccreditBodyRequest request) {
        return new Accreditation(request.getBodyId(), request.getName(), request.getCountry(), request.getTiersList(),
                request.getStandardsList());
    }

    /** What was sent, with "not sent" as null; the rules (TestResultService.validate) read it. */
    public static PostedTestResult posted(SubmitTestResultRequest request) {
        PostedConditions conditions = null;
        if (request.hasConditions()) {
            OperatingConditions c = request.getConditions();
            conditions = new PostedConditions(c.hasMaxSpeedMPerS() ? c.getMaxSpeedMPerS() : null,
                    c.hasMaxPayloadKg() ? c.getMaxPayloadKg() : null, c.getEnvironment(),
                    c.hasPeopleNearbyAllowed() ? c.getPeopleNearbyAllowed() : null, c.getAllowedTaskCategoriesList());
        }
        PostedEvidence evidence = request.hasEvidence()
                ? new PostedEvidence(request.getEvidence().getReportUri(), request.getEvidence().getReportSha256())
                : null;
        PostedValidity validity = null;
        if (request.hasValidity()) {
            var v = request.getValidity();
            validity = new PostedValidity(v.hasValidFrom() ? ProtoValues.instant(v.getValidFrom()) : null,
                    v.hasValidUntil() ? ProtoValues.instant(v.getValidUntil()) : null);
        }
        return new PostedTestResult(request.getSubject(), request.getTier(), request.getStandardsList(),
                request.hasTestDate() ? ProtoValues.instant(request.getTestDate()) : null, request.getOutcome(),
                conditions, evidence, validity);
    }

    public static CertificateQuery query(ListCertificatesRequest request) {
        return new CertificateQuery(request.getSubject(), request.getTier(), request.getBodyId(), request.getState(),
                request.getPageSize(), request.getPageToken());
    }

    public static TestResultQuery query(ListTestResultsRequest request) {
        return new TestResultQuery(request.getSubject(), request.getOutcome(), request.getPageSize(),
                request.getPageToken());
    }

    // ------------------------------------------------------------------------------------------ out

    public static AccreditBodyResponse accredited(CertificationBody body) {
        return AccreditBodyResponse.newBuilder().setBody(CertificationProtos.body(body)).build();
    }

    public static GetBodyResponse body(CertificationBody body) {
        return GetBodyResponse.newBuilder().setBody(CertificationProtos.body(body)).build();
    }

    /** The stored result, and for a pass its certificate as of the submission. */
    public static SubmitTestResultResponse submitted(SubmittedTestResult submitted) {
        SubmitTestResultResponse.Builder b = SubmitTestResultResponse.newBuilder()
                .setResult(CertificationProtos.result(submitted.result()));
        if (submitted.certificate() != null) {
            b.setCertificate(CertificationProtos.certificate(submitted.certificate(), submitted.at()));
        }
        return b.build();
    }

    public static GetTestResultResponse testResult(TestResultRecord result) {
        return GetTestResultResponse.newBuilder().setResult(CertificationProtos.result(result)).build();
    }

    public static ListTestResultsResponse testResults(Page<TestResultRecord> page) {
        ListTestResultsResponse.Builder b = ListTestResultsResponse.newBuilder();
        page.items().forEach(r -> b.addResults(CertificationProtos.result(r)));
        if (page.nextPageToken() != null) {
            b.setNextPageToken(page.nextPageToken());
        }
        return b.build();
    }

    public static ListCertificatesResponse certificates(Page<Certificate> page) {
        ListCertificatesResponse.Builder b = ListCertificatesResponse.newBuilder().addAllCertificates(page.items());
        if (page.nextPageToken() != null) {
            b.setNextPageToken(page.nextPageToken());
        }
        return b.build();
    }

    /** The answer, each certificate shown as of its instant. */
    public static GetEffectiveCertificationsResponse effective(EffectiveCertifications effective) {
        return effective(effective, c -> CertificationProtos.certificate(c, effective.at()));
    }

    /** @param show how a certificate is shown in the answer */
    public static GetEffectiveCertificationsResponse effective(EffectiveCertifications effective,
            Function<CertificateRecord, Certificate> show) {
        GetEffectiveCertificationsResponse.Builder answer = GetEffectiveCertificationsResponse.newBuilder()
                .setRobotId(effective.robotId()).setModelCode(effective.modelCode())
                .setAt(ProtoValues.timestamp(effective.at())).setIntelligenceLevel(effective.intelligenceLevel());
        effective.excluded().forEach(e -> answer.addExcluded(ExcludedCertificate.newBuilder()
                .setCertificate(show.apply(e.certificate())).setReason(e.reason())));
        effective.tiers().forEach(t -> answer.addTiers(EffectiveTier.newBuilder().setTier(t.tier().proto())
                .addAllCertificates(t.certificates().stream().map(show).toList())
                .setConditions(ProtoValues.conditions(t.conditions()))
                .setNoTaskCategoryAllowed(t.noTaskCategoryAllowed())
                .setValidUntil(ProtoValues.timestamp(t.validUntil()))));
        if (effective.conditions() != null) {
            answer.setConditions(ProtoValues.conditions(effective.conditions()))
                    .setNoTaskCategoryAllowed(effective.noTaskCategoryAllowed());
        }
        effective.missing().forEach(m -> answer.addMissing(MissingRequirement.newBuilder()
                .setRequirement(m.requirement()).setTier(m.tier().proto()).setRule(m.rule())));
        effective.needsRevalidation().forEach(m -> answer.addNeedsRevalidation(ProtoValues.need(m)));
        return answer.build();
    }
}
