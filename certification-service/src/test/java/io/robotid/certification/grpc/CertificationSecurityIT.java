package io.robotid.certification.grpc;

import io.robotid.testkit.Filings;
import static io.robotid.certification.support.Registry.*;
import static io.robotid.testkit.GrpcAssertions.invalid;
import static io.robotid.testkit.GrpcAssertions.reason;
import static io.robotid.testkit.GrpcAssertions.refused;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

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

/** Every RPC but the public ones without a valid token, every restricted RPC with the wrong roles, and bad input per RPC. */
@QuarkusTest
@QuarkusTestResource(RegistryProcesses.class)
class CertificationSecurityIT {
    static Registry registry;
    static final String ROBOT = "CNA1B2C3D4E526BJ000000000001G";

    @BeforeAll
    static void connect() {
        registry = new Registry();
    }

    @AfterAll
    static void disconnect() throws InterruptedException {
        registry.close();
    }

    /** One well-formed call of every RPC. */
    static final Map<String, Consumer<CertificationServiceGrpc.CertificationServiceBlockingStub>> EVERY_RPC = Map.ofEntries(
            Map.entry("AccreditBody", s -> s.accreditBody(AccreditBodyRequest.newBuilder().setRequestId(requestId())
                    .setBodyId("CB-SEC").setName("n").setCountry("DE").addTiers(Tier.TIER_BASE_SAFETY)
                    .addStandards(ISO_13482).build())),
            Map.entry("GetBody", s -> s.getBody(GetBodyRequest.newBuilder().setBodyId("CB-SEC").build())),
            Map.entry("SubmitTestResult", s -> s.submitTestResult(pass("000001", Tier.TIER_BASE_SAFETY).build())),
            Map.entry("GetTestResult", s -> s.getTestResult(GetTestResultRequest.newBuilder()
                    .setResultId(UUID.randomUUID().toString()).build())),
            Map.entry("ListTestResults", s -> s.listTestResults(ListTestResultsRequest.getDefaultInstance())),
            Map.entry("GetCertificate", s -> s.getCertificate(GetCertificateRequest.newBuilder()
                    .setCertificateId(UUID.randomUUID().toString()).build())),
            Map.entry("ListCertificates", s -> s.listCertificates(ListCertificatesRequest.getDefaultInstance())),
            Map.entry("SuspendCertificate", s -> s.suspendCertificate(SuspendCertificateRequest.newBuilder()
                    .setRequestId(requestId()).setCertificateId(UUID.randomUUID().toString()).setReason("r").build())),
            Map.entry("ReinstateCertificate", s -> s.reinstateCertificate(ReinstateCertificateRequest.newBuilder()
                    .setRequestId(requestId()).setCertificateId(UUID.randomUUID().toString()).setReason("r").build())),
            Map.entry("RevokeCertificate", s -> s.revokeCertificate(RevokeCertificateRequest.newBuilder()
                    .setRequestId(requestId()).setCertificateId(UUID.randomUUID().toString()).setReason("r").build())),
            Map.entry("GetEffectiveCertifications", s -> s.getEffectiveCertifications(GetEffectiveCertificationsRequest
                    .newBuilder().setRobotId(ROBOT).build())),
            Map.entry("WatchCertificationChanges", s -> s.watchCertificationChanges(WatchCertificationChangesRequest
                    .getDefaultInstance()).hasNext()),
            Map.entry("VerifyRecords", s -> s.verifyRecords(VerifyRecordsRequest.newBuilder().setSubject(ROBOT).build())));

    /** Public RPCs: anyone may call them, without a token (DESIGN.md section 5: verification). */
    static final Set<String> PUBLIC = Set.of("VerifyRecords");

    /** Roles each restricted RPC refuses with ROLE_NOT_ALLOWED. */
    static final Map<String, List<String>> WRONG_ROLES = Map.of(
            "AccreditBody", List.of("CERTIFICATION_BODY", "MANUFACTURER", "AUDITOR", "REGISTRY_SERVICE", "OPERATOR"),
            "SubmitTestResult", List.of("REGULATOR", "MANUFACTURER", "AUDITOR", "REGISTRY_SERVICE", "ROBOT"),
            "ListTestResults", List.of("OPERATOR", "ROBOT", "REGISTRY_SERVICE", "ZONE_AUTHORITY"),
            "SuspendCertificate", List.of("MANUFACTURER", "AUDITOR", "OPERATOR", "REGISTRY_SERVICE"),
            "ReinstateCertificate", List.of("MANUFACTURER", "AUDITOR", "OPERATOR", "REGISTRY_SERVICE"),
            "RevokeCertificate", List.of("MANUFACTURER", "AUDITOR", "OPERATOR", "REGISTRY_SERVICE"),
            "WatchCertificationChanges", List.of("CERTIFICATION_BODY", "MANUFACTURER", "OPERATOR", "ROBOT"));

    @Test
    void everyRpcIsListedHere() {
        assertThat(EVERY_RPC.keySet()).containsExactlyInAnyOrderElementsOf(CertificationServiceGrpc.getServiceDescriptor()
                .getMethods().stream().map(m -> m.getBareMethodName()).toList());
    }

    @Test
    void everyRpcRefusesCallsWithoutAValidToken() {
        EVERY_RPC.forEach((name, call) -> {
            if (PUBLIC.contains(name)) {
                return;
            }
            assertThat(reason(refused(() -> call.accept(registry.anonymous()), Status.Code.UNAUTHENTICATED))).as(name)
                    .isEqualTo("UNAUTHENTICATED");
            refused(() -> call.accept(registry.as(Tokens.expired("REGULATOR"))), Status.Code.UNAUTHENTICATED);
            refused(() -> call.accept(registry.as(Tokens.forged("REGULATOR"))), Status.Code.UNAUTHENTICATED);
            refused(() -> call.accept(registry.as(Tokens.wrongAudience("REGULATOR"))), Status.Code.UNAUTHENTICATED);
        });
    }

    @Test
    void publicRpcsAnswerWithoutAToken() {
        PUBLIC.forEach(name -> EVERY_RPC.get(name).accept(registry.anonymous()));
    }

    @Test
    void restrictedRpcsRefuseTheWrongRoles() {
        WRONG_ROLES.forEach((name, roles) -> {
            for (String role : roles) {
                String token = role.equals("CERTIFICATION_BODY") ? body("CB-X") : role.equals("MANUFACTURER")
                        ? Tokens.manufacturer("0001") : Tokens.role(role);
                var e = refused(() -> EVERY_RPC.get(name).accept(registry.as(token)), Status.Code.PERMISSION_DENIED);
                assertThat(reason(e)).as(name + " as " + role).isEqualTo("ROLE_NOT_ALLOWED");
            }
        });
    }

    @Test
    void accreditBodyRefusesBadInputFieldByField() {
        var regulator = registry.as(Tokens.regulator());
        AccreditBodyRequest valid = AccreditBodyRequest.newBuilder().setRequestId(requestId()).setBodyId("CB-VALID")
                .setName("Test House").setCountry("DE").addTiers(Tier.TIER_BASE_SAFETY).addStandards(ISO_13482).build();
        Map<String, AccreditBodyRequest> cases = Map.of(
                "request_id", valid.toBuilder().setRequestId("").build(),
                "body_id", valid.toBuilder().setBodyId("has space").build(),
                "name", valid.toBuilder().setName("").build(),
                "country", valid.toBuilder().setCountry("XX").build(),
                "tiers", valid.toBuilder().clearTiers().build(),
                "tiers[1]", valid.toBuilder().addTiers(Tier.TIER_BASE_SAFETY).build(),
                "tiers[0]", valid.toBuilder().setTiers(0, Tier.TIER_UNSPECIFIED).build(),
                "standards", valid.toBuilder().clearStandards().build(),
                "standards[0]", valid.toBuilder().setStandards(0, "x".repeat(101)).build());
        cases.forEach((field, request) -> invalid(() -> regulator.accreditBody(request), field));
        refused(() -> regulator.getBody(GetBodyRequest.newBuilder().setBodyId("CB-VALID").build()), Status.Code.NOT_FOUND);
    }

    @Test
    void listsRefuseBadFiltersAndPages() {
        var auditor = registry.as(Tokens.auditor());
        invalid(() -> auditor.listCertificates(ListCertificatesRequest.newBuilder().setSubject("nope").build()), "subject");
        invalid(() -> auditor.listCertificates(ListCertificatesRequest.newBuilder().setPageSize(501).build()), "page_size");
        invalid(() -> auditor.listCertificates(ListCertificatesRequest.newBuilder().setTierValue(99).build()), "tier");
        invalid(() -> auditor.listCertificates(ListCertificatesRequest.newBuilder().setStateValue(99).build()), "state");
        invalid(() -> auditor.listCertificates(ListCertificatesRequest.newBuilder().setBodyId("a b").build()), "body_id");
        invalid(() -> auditor.listTestResults(ListTestResultsRequest.newBuilder().setPageSize(-1).build()), "page_size");
        invalid(() -> auditor.listTestResults(ListTestResultsRequest.newBuilder().setOutcomeValue(42).build()), "outcome");
        invalid(() -> auditor.listTestResults(ListTestResultsRequest.newBuilder().setSubject("CN").build()), "subject");
        // a token of one list does not page another
        invalid(() -> auditor.listCertificates(ListCertificatesRequest.newBuilder()
                .setPageToken(io.robotid.kit.paging.PageRequest.tokenAfter("1", "other")).build()), "page_token");
        invalid(() -> auditor.getEffectiveCertifications(GetEffectiveCertificationsRequest.newBuilder().build()),
                "robot_id");
        invalid(() -> auditor.watchCertificationChanges(WatchCertificationChangesRequest.newBuilder()
                .setFromSequence(-5).build()).hasNext(), "from_sequence");
        // a manufacturer without its claim, a body without its claim
        assertThat(reason(refused(() -> registry.as(Tokens.role("MANUFACTURER")).listTestResults(
                ListTestResultsRequest.getDefaultInstance()), Status.Code.PERMISSION_DENIED)))
                .isEqualTo("NOT_CALLERS_MANUFACTURER");
        assertThat(reason(refused(() -> registry.as(Tokens.role("CERTIFICATION_BODY")).listTestResults(
                ListTestResultsRequest.getDefaultInstance()), Status.Code.PERMISSION_DENIED)))
                .isEqualTo("NO_CERTIFICATION_BODY_ID");
    }

    @Test
    void pagesFollowEachOtherWithoutGapsOrRepeats() {
        Filings.Maker maker = registry.maker(0);
        String body = registry.accredit(Tier.TIER_BASE_SAFETY);
        for (int i = 0; i < 5; i++) {
            registry.as(body(body)).submitTestResult(pass(maker.modelCode(), Tier.TIER_BASE_SAFETY).build());
        }
        List<String> seen = new java.util.ArrayList<>();
        String token = "";
        do {
            ListCertificatesResponse page = registry.as(Tokens.auditor()).listCertificates(ListCertificatesRequest
                    .newBuilder().setBodyId(body).setPageSize(2).setPageToken(token).build());
            assertThat(page.getCertificatesCount()).isLessThanOrEqualTo(2);
            page.getCertificatesList().forEach(c -> seen.add(c.getCertificateId()));
            token = page.getNextPageToken();
        } while (!token.isEmpty());
        assertThat(seen).hasSize(5).doesNotHaveDuplicates();
        assertThat(registry.as(body(body)).listTestResults(ListTestResultsRequest.newBuilder().setPageSize(3).build())
                .getNextPageToken()).isNotEmpty();
    }
}
