package io.robotid.certification.grpc;

import io.robotid.testkit.Filings;
import static io.robotid.certification.support.Registry.*;
import static io.robotid.testkit.GrpcAssertions.invalid;
import static io.robotid.testkit.GrpcAssertions.reason;
import static io.robotid.testkit.GrpcAssertions.refused;
import static io.robotid.testkit.GrpcAssertions.resourceInfo;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.grpc.Status;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.robotid.certification.support.Registry;
import io.robotid.certification.support.RegistryProcesses;
import io.robotid.proto.certification.v1.*;
import io.robotid.testkit.Tokens;

/**
 * Posting test results over gRPC: scope enforcement, the subject checked with the real filing and
 * identity services, passes becoming certificates, FAILs visible to regulators and the
 * manufacturer only, idempotent retries.
 */
@QuarkusTest
@QuarkusTestResource(RegistryProcesses.class)
class SubmitTestResultIT {

    static Registry registry;
    static Filings.Maker maker;

    @BeforeAll
    static void setUp() {
        registry = new Registry();
        maker = registry.maker(3);
    }

    @AfterAll
    static void tearDown() throws InterruptedException {
        registry.close();
    }

    @Test
    void aPassForAModelBecomesACertificateWithItsConditionsAndValidity() {
        String body = registry.accredit(Tier.TIER_BASE_SAFETY, Tier.TIER_MOBILITY);
        SubmitTestResultRequest request = pass(maker.modelCode().toLowerCase(), Tier.TIER_MOBILITY)
                .setOutcome(Outcome.OUTCOME_PASS_WITH_CONDITIONS)
                .setConditions(conditions(1.5, 10, Environment.ENVIRONMENT_INDOOR_ONLY, false, "Logistics", "retail"))
                .build();
        SubmitTestResultResponse answer = registry.as(body(body)).submitTestResult(request);

        Certificate c = answer.getCertificate();
        assertThat(c.getSubject()).isEqualTo(maker.modelCode());
        assertThat(c.getSubjectKind()).isEqualTo(SubjectKind.SUBJECT_KIND_MODEL);
        assertThat(c.getManufacturerCode()).isEqualTo(maker.code());
        assertThat(c.getBodyId()).isEqualTo(body);
        assertThat(c.getTier()).isEqualTo(Tier.TIER_MOBILITY);
        assertThat(c.getState()).isEqualTo(CertificateState.CERTIFICATE_STATE_ACTIVE);
        assertThat(c.getConditions().getMaxSpeedMPerS()).isEqualTo(1.5);
        assertThat(c.getConditions().getAllowedTaskCategoriesList()).containsExactly("logistics", "retail");
        assertThat(c.getValidity().getValidFrom()).as("valid_from defaults to the test date").isEqualTo(request.getTestDate());
        assertThat(c.getValidity().getValidUntil()).isEqualTo(request.getValidity().getValidUntil());
        assertThat(c.getIssued().getRequestId()).isEqualTo(request.getRequestId());
        assertThat(answer.getResult().getCertificateId()).isEqualTo(c.getCertificateId());

        assertThat(registry.as(Tokens.role("OPERATOR")).getCertificate(GetCertificateRequest.newBuilder()
                .setCertificateId(c.getCertificateId()).build()).getCertificate()).isEqualTo(c);
    }

    @Test
    void aPassForAUnitIsCheckedWithIdentityService() {
        String body = registry.accredit(Tier.TIER_BASE_SAFETY);
        String robot = maker.robots().get(0);
        String display = robot.substring(0, 2) + " " + robot.substring(2, 6) + "-" + robot.substring(6).toLowerCase();
        Certificate c = registry.as(body(body)).submitTestResult(pass(display, Tier.TIER_BASE_SAFETY).build())
                .getCertificate();
        assertThat(c.getSubject()).isEqualTo(robot);
        assertThat(c.getSubjectKind()).isEqualTo(SubjectKind.SUBJECT_KIND_UNIT);
        assertThat(c.getModelCode()).isEqualTo(maker.modelCode());
    }

    @Test
    void aBodyCertifiesOnlyWithinItsAccreditationScope() {
        String body = registry.accredit(Tier.TIER_BASE_SAFETY);
        var outsideTier = refused(() -> registry.as(body(body)).submitTestResult(
                pass(maker.modelCode(), Tier.TIER_PUBLIC_SPACE).build()), Status.Code.PERMISSION_DENIED);
        assertThat(reason(outsideTier)).isEqualTo("OUTSIDE_ACCREDITATION_SCOPE");
        assertThat(outsideTier.getStatus().getDescription()).contains("TIER_PUBLIC_SPACE");

        var outsideStandard = refused(() -> registry.as(body(body)).submitTestResult(
                pass(maker.modelCode(), Tier.TIER_BASE_SAFETY).addStandards("IEC 61508").build()),
                Status.Code.PERMISSION_DENIED);
        assertThat(reason(outsideStandard)).isEqualTo("OUTSIDE_ACCREDITATION_SCOPE");
        assertThat(outsideStandard.getStatus().getDescription()).contains("IEC 61508");

        // the scope's standards match whatever the case and spacing
        assertThat(registry.as(body(body)).submitTestResult(pass(maker.modelCode(), Tier.TIER_BASE_SAFETY)
                .clearStandards().addStandards("iso  13482:2014").build()).hasCertificate()).isTrue();

        var unaccredited = refused(() -> registry.as(body("CB-NEVER-ACCREDITED")).submitTestResult(
                pass(maker.modelCode(), Tier.TIER_BASE_SAFETY).build()), Status.Code.PERMISSION_DENIED);
        assertThat(reason(unaccredited)).isEqualTo("BODY_NOT_ACCREDITED");

        var noClaim = refused(() -> registry.as(Tokens.role("CERTIFICATION_BODY")).submitTestResult(
                pass(maker.modelCode(), Tier.TIER_BASE_SAFETY).build()), Status.Code.PERMISSION_DENIED);
        assertThat(reason(noClaim)).isEqualTo("NO_CERTIFICATION_BODY_ID");

        var notABody = refused(() -> registry.as(Tokens.regulator()).submitTestResult(
                pass(maker.modelCode(), Tier.TIER_BASE_SAFETY).build()), Status.Code.PERMISSION_DENIED);
        assertThat(reason(notABody)).isEqualTo("ROLE_NOT_ALLOWED");
    }

    @Test
    void reaccreditationReplacesTheScope() {
        String body = registry.accredit(Tier.TIER_BASE_SAFETY);
        CertificationBody replaced = registry.as(Tokens.regulator()).accreditBody(AccreditBodyRequest.newBuilder()
                .setRequestId(requestId()).setBodyId(body).setName("Renamed").setCountry("fr")
                .addTiers(Tier.TIER_PUBLIC_SPACE).addStandards(ISO_13482).build()).getBody();
        assertThat(replaced.getAccreditationVersion()).isEqualTo(2);
        assertThat(replaced.getCountry()).isEqualTo("FR");
        assertThat(replaced.getTiersList()).containsExactly(Tier.TIER_PUBLIC_SPACE);
        assertThat(registry.as(Tokens.auditor()).getBody(GetBodyRequest.newBuilder().setBodyId(body).build()).getBody())
                .isEqualTo(replaced);
        var e = refused(() -> registry.as(body(body)).submitTestResult(pass(maker.modelCode(), Tier.TIER_BASE_SAFETY)
                .build()), Status.Code.PERMISSION_DENIED);
        assertThat(reason(e)).isEqualTo("OUTSIDE_ACCREDITATION_SCOPE");
    }

    @Test
    void theSubjectMustExist() {
        String body = registry.accredit(Tier.TIER_BASE_SAFETY);
        var unknownModel = refused(() -> registry.as(body(body)).submitTestResult(
                pass("ZZZZZZ", Tier.TIER_BASE_SAFETY).build()), Status.Code.NOT_FOUND);
        assertThat(resourceInfo(unknownModel).getResourceType()).isEqualTo("model");
        assertThat(resourceInfo(unknownModel).getResourceName()).isEqualTo("ZZZZZZ");

        // well formed, right check character, never issued
        String robot = maker.robots().get(0);
        String neverIssued = io.robotid.kit.id.RobotId.compose(robot.substring(0, 2), maker.code(), maker.modelCode(), 26,
                maker.siteCode(), 999_999).canonical();
        var unknownRobot = refused(() -> registry.as(body(body)).submitTestResult(
                pass(neverIssued, Tier.TIER_BASE_SAFETY).build()), Status.Code.NOT_FOUND);
        assertThat(resourceInfo(unknownRobot).getResourceType()).isEqualTo("robot");
    }

    @Test
    void aFailIsRecordedAndVisibleToRegulatorsTheManufacturerAndTheBodyOnly() {
        String body = registry.accredit(Tier.TIER_BASE_SAFETY);
        SubmitTestResultResponse answer = registry.as(body(body)).submitTestResult(
                pass(maker.modelCode(), Tier.TIER_BASE_SAFETY).setOutcome(Outcome.OUTCOME_FAIL).clearValidity().build());
        assertThat(answer.hasCertificate()).isFalse();
        TestResult result = answer.getResult();
        assertThat(result.getOutcome()).isEqualTo(Outcome.OUTCOME_FAIL);
        assertThat(result.getCertificateId()).isEmpty();
        GetTestResultRequest get = GetTestResultRequest.newBuilder().setResultId(result.getResultId()).build();

        for (String allowed : new String[] { Tokens.regulator(), Tokens.auditor(), maker.token(), body(body) }) {
            assertThat(registry.as(allowed).getTestResult(get).getResult()).isEqualTo(result);
        }
        for (String other : new String[] { Tokens.manufacturer("ZZZZ"), body("CB-OTHER"), Tokens.role("OPERATOR") }) {
            var e = refused(() -> registry.as(other).getTestResult(get), Status.Code.NOT_FOUND);
            assertThat(resourceInfo(e).getResourceType()).isEqualTo("test_result");
        }

        ListTestResultsRequest fails = ListTestResultsRequest.newBuilder().setSubject(maker.modelCode())
                .setOutcome(Outcome.OUTCOME_FAIL).build();
        assertThat(registry.as(Tokens.regulator()).listTestResults(fails).getResultsList()).contains(result);
        assertThat(registry.as(maker.token()).listTestResults(fails).getResultsList()).contains(result);
        assertThat(registry.as(Tokens.manufacturer("ZZZZ")).listTestResults(fails).getResultsList()).isEmpty();
        assertThat(registry.as(body("CB-OTHER")).listTestResults(fails).getResultsList()).isEmpty();
        assertThat(reason(refused(() -> registry.as(Tokens.role("OPERATOR")).listTestResults(fails),
                Status.Code.PERMISSION_DENIED))).isEqualTo("ROLE_NOT_ALLOWED");
        // the certificates of the model do not include it
        assertThat(registry.as(Tokens.role("OPERATOR")).listCertificates(ListCertificatesRequest.newBuilder()
                .setSubject(maker.modelCode()).build()).getCertificatesList())
                .noneMatch(c -> c.getResultId().equals(result.getResultId()));
    }

    @Test
    void aRetryGetsTheSameAnswerAndAReusedRequestIdIsRefused() {
        String body = registry.accredit(Tier.TIER_BASE_SAFETY);
        SubmitTestResultRequest request = pass(maker.modelCode(), Tier.TIER_BASE_SAFETY).build();
        SubmitTestResultResponse first = registry.as(body(body)).submitTestResult(request);
        assertThat(registry.as(body(body)).submitTestResult(request)).isEqualTo(first);
        long count = registry.as(Tokens.regulator()).listCertificates(ListCertificatesRequest.newBuilder()
                .setBodyId(body).build()).getCertificatesCount();
        assertThat(count).isEqualTo(1);

        var reused = refused(() -> registry.as(body(body)).submitTestResult(request.toBuilder()
                .setTier(Tier.TIER_BASE_SAFETY).clearStandards().addStandards(ISO_10218).build()),
                Status.Code.INVALID_ARGUMENT);
        assertThat(reason(reused)).isEqualTo("REQUEST_ID_REUSED");
    }

    @Test
    void everyBrokenFieldRuleIsReportedAtOnce() {
        String body = registry.accredit(Tier.TIER_BASE_SAFETY);
        var e = refused(() -> registry.as(body(body)).submitTestResult(SubmitTestResultRequest.newBuilder()
                .setRequestId(requestId()).setOutcome(Outcome.OUTCOME_PASS_WITH_CONDITIONS).build()),
                Status.Code.INVALID_ARGUMENT);
        var fields = io.robotid.testkit.GrpcAssertions.details(e, com.google.rpc.BadRequest.class).getFieldViolationsList()
                .stream().map(com.google.rpc.BadRequest.FieldViolation::getField).toList();
        assertThat(fields).contains("subject", "tier", "standards", "test_date", "conditions", "evidence", "validity");
    }

    @Test
    void badInputIsRefusedFieldByFieldAndNothingIsStored() {
        String body = registry.accredit(Tier.TIER_BASE_SAFETY);
        var stub = registry.as(body(body));
        String model = maker.modelCode();
        java.util.Map<String, SubmitTestResultRequest> cases = new java.util.LinkedHashMap<>();
        cases.put("request_id", pass(model, Tier.TIER_BASE_SAFETY).setRequestId("not-a-uuid").build());
        cases.put("subject", pass("CNA1", Tier.TIER_BASE_SAFETY).build());
        cases.put("tier", pass(model, Tier.TIER_UNSPECIFIED).build());
        cases.put("standards", pass(model, Tier.TIER_BASE_SAFETY).clearStandards().build());
        cases.put("standards[1]", pass(model, Tier.TIER_BASE_SAFETY).addStandards(" ").build());
        cases.put("test_date", pass(model, Tier.TIER_BASE_SAFETY)
                .setTestDate(ts(java.time.Instant.now().plusSeconds(3600))).build());
        cases.put("outcome", pass(model, Tier.TIER_BASE_SAFETY).setOutcome(Outcome.OUTCOME_UNSPECIFIED).build());
        cases.put("conditions.max_speed_m_per_s", pass(model, Tier.TIER_BASE_SAFETY)
                .setConditions(conditions(-1, 10, Environment.ENVIRONMENT_INDOOR_ONLY, true)).build());
        cases.put("conditions.max_payload_kg", pass(model, Tier.TIER_BASE_SAFETY)
                .setConditions(conditions(1, 1001, Environment.ENVIRONMENT_INDOOR_ONLY, true)).build());
        cases.put("conditions.environment", pass(model, Tier.TIER_BASE_SAFETY)
                .setConditions(conditions(1, 1, Environment.ENVIRONMENT_UNSPECIFIED, true)).build());
        cases.put("conditions.people_nearby_allowed", pass(model, Tier.TIER_BASE_SAFETY)
                .setConditions(conditions(1, 1, Environment.ENVIRONMENT_INDOOR_ONLY, true).clearPeopleNearbyAllowed())
                .build());
        cases.put("conditions.allowed_task_categories[0]", pass(model, Tier.TIER_BASE_SAFETY)
                .setConditions(conditions(1, 1, Environment.ENVIRONMENT_INDOOR_ONLY, true, "no spaces!")).build());
        cases.put("conditions", pass(model, Tier.TIER_BASE_SAFETY).setOutcome(Outcome.OUTCOME_PASS_WITH_CONDITIONS).build());
        cases.put("evidence.report_uri", pass(model, Tier.TIER_BASE_SAFETY)
                .setEvidence(Evidence.newBuilder().setReportUri("reports/1.pdf").setReportSha256("ab".repeat(32))).build());
        cases.put("evidence.report_sha256", pass(model, Tier.TIER_BASE_SAFETY)
                .setEvidence(Evidence.newBuilder().setReportUri("https://r.example/1").setReportSha256("xyz")).build());
        cases.put("validity", pass(model, Tier.TIER_BASE_SAFETY).clearValidity().build());
        cases.put("validity.valid_until", pass(model, Tier.TIER_BASE_SAFETY)
                .setValidity(Validity.newBuilder().setValidFrom(ts(java.time.Instant.now()))
                        .setValidUntil(ts(java.time.Instant.now().minusSeconds(10)))).build());
        cases.forEach((field, request) -> {
            String rule = invalid(() -> stub.submitTestResult(request), field);
            assertThat(rule).as(field).isNotBlank();
        });
        assertThat(registry.as(Tokens.regulator()).listTestResults(ListTestResultsRequest.newBuilder()
                .setSubject(model).build()).getResultsList()).noneMatch(r -> r.getBodyId().equals(body));
    }

    @Test
    void unknownIdsAreNotFoundAndMalformedIdsInvalid() {
        var e = refused(() -> registry.as(Tokens.auditor()).getCertificate(GetCertificateRequest.newBuilder()
                .setCertificateId(UUID.randomUUID().toString()).build()), Status.Code.NOT_FOUND);
        assertThat(resourceInfo(e).getResourceType()).isEqualTo("certificate");
        invalid(() -> registry.as(Tokens.auditor()).getCertificate(GetCertificateRequest.newBuilder()
                .setCertificateId("42").build()), "certificate_id");
        invalid(() -> registry.as(Tokens.auditor()).getTestResult(GetTestResultRequest.newBuilder()
                .setResultId("").build()), "result_id");
        refused(() -> registry.as(Tokens.auditor()).getBody(GetBodyRequest.newBuilder().setBodyId("CB-NOPE").build()),
                Status.Code.NOT_FOUND);
        invalid(() -> registry.as(Tokens.auditor()).getBody(GetBodyRequest.newBuilder().setBodyId("bad id!").build()),
                "body_id");
        invalid(() -> registry.as(Tokens.auditor()).listCertificates(ListCertificatesRequest.newBuilder()
                .setPageToken("garbage").build()), "page_token");
    }
}
