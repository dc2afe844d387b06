package io.robotid.certification.grpc;

import io.robotid.testkit.Filings;
import static io.robotid.certification.support.Registry.*;
import static io.robotid.testkit.GrpcAssertions.errorInfo;
import static io.robotid.testkit.GrpcAssertions.invalid;
import static io.robotid.testkit.GrpcAssertions.reason;
import static io.robotid.testkit.GrpcAssertions.refused;
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

/** Suspension, reinstatement and revocation by the issuing body and by a regulator; refused for anyone else. */
@QuarkusTest
@QuarkusTestResource(RegistryProcesses.class)
class CertificateStateIT {
    static Registry registry;
    static Filings.Maker maker;
    static String issuer;
    static String other;

    @BeforeAll
    static void setUp() {
        registry = new Registry();
        maker = registry.maker(1);
        issuer = registry.accredit(Tier.TIER_BASE_SAFETY);
        other = registry.accredit(Tier.TIER_BASE_SAFETY);
    }

    @AfterAll
    static void tearDown() throws InterruptedException {
        registry.close();
    }

    static Certificate issue() {
        return registry.as(body(issuer)).submitTestResult(pass(maker.robots().get(0), Tier.TIER_BASE_SAFETY).build())
                .getCertificate();
    }

    static Certificate suspend(String token, Certificate c) {
        return registry.as(token).suspendCertificate(SuspendCertificateRequest.newBuilder().setRequestId(requestId())
                .setCertificateId(c.getCertificateId()).setReason("audit finding").build()).getCertificate();
    }

    static Certificate reinstate(String token, Certificate c) {
        return registry.as(token).reinstateCertificate(ReinstateCertificateRequest.newBuilder().setRequestId(requestId())
                .setCertificateId(c.getCertificateId()).setReason("finding closed").build()).getCertificate();
    }

    static Certificate revoke(String token, Certificate c) {
        return registry.as(token).revokeCertificate(RevokeCertificateRequest.newBuilder().setRequestId(requestId())
                .setCertificateId(c.getCertificateId()).setReason("fraudulent report").build()).getCertificate();
    }

    static boolean effective(Certificate c) {
        return registry.as(Tokens.auditor()).getEffectiveCertifications(GetEffectiveCertificationsRequest.newBuilder()
                .setRobotId(maker.robots().get(0)).build()).getTiersList().stream()
                .flatMap(t -> t.getCertificatesList().stream())
                .anyMatch(x -> x.getCertificateId().equals(c.getCertificateId()));
    }

    @Test
    void theIssuingBodySuspendsReinstatesAndRevokes() {
        Certificate c = issue();
        assertThat(effective(c)).isTrue();
        Certificate suspended = suspend(body(issuer), c);
        assertThat(suspended.getState()).isEqualTo(CertificateState.CERTIFICATE_STATE_SUSPENDED);
        assertThat(suspended.getStateReason()).isEqualTo("audit finding");
        assertThat(suspended.getLastChanged().getRole()).isEqualTo("CERTIFICATION_BODY");
        assertThat(effective(c)).isFalse();
        Certificate reinstated = reinstate(body(issuer), c);
        assertThat(reinstated.getState()).isEqualTo(CertificateState.CERTIFICATE_STATE_ACTIVE);
        assertThat(effective(c)).isTrue();
        Certificate revoked = revoke(body(issuer), c);
        assertThat(revoked.getState()).isEqualTo(CertificateState.CERTIFICATE_STATE_REVOKED);
        assertThat(effective(c)).isFalse();
        assertThat(registry.as(Tokens.auditor()).getCertificate(GetCertificateRequest.newBuilder()
                .setCertificateId(c.getCertificateId()).build()).getCertificate()).isEqualTo(revoked);
    }

    @Test
    void aRegulatorSuspendsReinstatesAndRevokesAnyCertificate() {
        Certificate c = issue();
        assertThat(suspend(Tokens.regulator(), c).getLastChanged().getRole()).isEqualTo("REGULATOR");
        assertThat(reinstate(Tokens.regulator(), c).getState()).isEqualTo(CertificateState.CERTIFICATE_STATE_ACTIVE);
        assertThat(suspend(Tokens.regulator(), c).getState()).isEqualTo(CertificateState.CERTIFICATE_STATE_SUSPENDED);
        assertThat(revoke(Tokens.regulator(), c).getState()).isEqualTo(CertificateState.CERTIFICATE_STATE_REVOKED);
    }

    @Test
    void anotherBodyAndOtherRolesAreRefused() {
        Certificate c = issue();
        for (var attempt : new java.util.function.Consumer[] { t -> suspend((String) t, c), t -> reinstate((String) t, c),
                t -> revoke((String) t, c) }) {
            @SuppressWarnings("unchecked")
            java.util.function.Consumer<String> call = attempt;
            assertThat(reason(refused(() -> call.accept(body(other)), Status.Code.PERMISSION_DENIED)))
                    .isEqualTo("NOT_ISSUING_BODY");
            assertThat(reason(refused(() -> call.accept(Tokens.role("CERTIFICATION_BODY")),
                    Status.Code.PERMISSION_DENIED))).isEqualTo("NO_CERTIFICATION_BODY_ID");
            for (String role : new String[] { Tokens.auditor(), maker.token(), Tokens.role("OPERATOR"),
                    Tokens.role("REGISTRY_SERVICE") }) {
                assertThat(reason(refused(() -> call.accept(role), Status.Code.PERMISSION_DENIED)))
                        .isEqualTo("ROLE_NOT_ALLOWED");
            }
        }
        assertThat(registry.as(Tokens.auditor()).getCertificate(GetCertificateRequest.newBuilder()
                .setCertificateId(c.getCertificateId()).build()).getCertificate().getState())
                .isEqualTo(CertificateState.CERTIFICATE_STATE_ACTIVE);
    }

    @Test
    void aRegulatorsSuspensionIsLiftedOnlyByARegulator() {
        Certificate c = issue();
        suspend(Tokens.regulator(), c);
        assertThat(reason(refused(() -> reinstate(body(issuer), c), Status.Code.PERMISSION_DENIED)))
                .isEqualTo("SUSPENDED_BY_REGULATOR");
        assertThat(reinstate(Tokens.regulator(), c).getState()).isEqualTo(CertificateState.CERTIFICATE_STATE_ACTIVE);
    }

    @Test
    void transitionsThatDoNotFitTheStateAreRefused() {
        Certificate c = issue();
        var notSuspended = refused(() -> reinstate(body(issuer), c), Status.Code.FAILED_PRECONDITION);
        assertThat(reason(notSuspended)).isEqualTo("CERTIFICATE_NOT_SUSPENDED");
        assertThat(errorInfo(notSuspended).getMetadataMap()).containsEntry("state", "ACTIVE");
        suspend(body(issuer), c);
        assertThat(reason(refused(() -> suspend(body(issuer), c), Status.Code.FAILED_PRECONDITION)))
                .isEqualTo("CERTIFICATE_NOT_ACTIVE");
        revoke(body(issuer), c);
        assertThat(reason(refused(() -> revoke(body(issuer), c), Status.Code.FAILED_PRECONDITION)))
                .isEqualTo("CERTIFICATE_REVOKED");
        assertThat(reason(refused(() -> reinstate(body(issuer), c), Status.Code.FAILED_PRECONDITION)))
                .isEqualTo("CERTIFICATE_NOT_SUSPENDED");
        assertThat(reason(refused(() -> suspend(Tokens.regulator(), c), Status.Code.FAILED_PRECONDITION)))
                .isEqualTo("CERTIFICATE_NOT_ACTIVE");
    }

    @Test
    void aReasonAndAKnownCertificateAreRequiredAndRetriesReplay() {
        Certificate c = issue();
        invalid(() -> registry.as(body(issuer)).suspendCertificate(SuspendCertificateRequest.newBuilder()
                .setRequestId(requestId()).setCertificateId(c.getCertificateId()).build()), "reason");
        invalid(() -> registry.as(body(issuer)).revokeCertificate(RevokeCertificateRequest.newBuilder()
                .setRequestId(requestId()).setCertificateId(c.getCertificateId()).setReason("x".repeat(2001)).build()),
                "reason");
        invalid(() -> registry.as(body(issuer)).reinstateCertificate(ReinstateCertificateRequest.newBuilder()
                .setRequestId(requestId()).setCertificateId("nope").setReason("r").build()), "certificate_id");
        invalid(() -> registry.as(body(issuer)).suspendCertificate(SuspendCertificateRequest.newBuilder()
                .setCertificateId(c.getCertificateId()).setReason("r").build()), "request_id");
        refused(() -> registry.as(Tokens.regulator()).suspendCertificate(SuspendCertificateRequest.newBuilder()
                .setRequestId(requestId()).setCertificateId(UUID.randomUUID().toString()).setReason("r").build()),
                Status.Code.NOT_FOUND);

        SuspendCertificateRequest once = SuspendCertificateRequest.newBuilder().setRequestId(requestId())
                .setCertificateId(c.getCertificateId()).setReason("once").build();
        SuspendCertificateResponse first = registry.as(body(issuer)).suspendCertificate(once);
        assertThat(registry.as(body(issuer)).suspendCertificate(once)).isEqualTo(first);
        assertThat(reason(refused(() -> registry.as(body(issuer)).suspendCertificate(once.toBuilder().setReason("twice")
                .build()), Status.Code.INVALID_ARGUMENT))).isEqualTo("REQUEST_ID_REUSED");
    }
}
