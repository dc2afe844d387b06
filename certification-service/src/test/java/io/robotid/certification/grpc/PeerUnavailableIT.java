package io.robotid.certification.grpc;

import io.robotid.testkit.Filings;
import static io.robotid.certification.support.Registry.*;
import static io.robotid.testkit.GrpcAssertions.reason;
import static io.robotid.testkit.GrpcAssertions.refused;
import static org.assertj.core.api.Assertions.assertThat;

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

/** filing-service down: a model test and an effective-certification read are UNAVAILABLE, never INTERNAL, and nothing is stored. */
@QuarkusTest
@QuarkusTestResource(RegistryProcesses.class)
class PeerUnavailableIT {
    static Registry registry;

    @BeforeAll
    static void connect() {
        registry = new Registry();
    }

    @AfterAll
    static void disconnect() throws InterruptedException {
        RegistryProcesses.restartFiling();
        registry.close();
    }

    @Test
    void filingDownIsUnavailable() {
        Filings.Maker maker = registry.maker(1);
        String body = registry.accredit(Tier.TIER_BASE_SAFETY);
        RegistryProcesses.stopFiling();
        try {
            SubmitTestResultRequest request = pass(maker.modelCode(), Tier.TIER_BASE_SAFETY).build();
            var e = refused(() -> registry.as(body(body)).submitTestResult(request), Status.Code.UNAVAILABLE);
            assertThat(reason(e)).isEqualTo("FILING_UNAVAILABLE");
            var read = refused(() -> registry.as(Tokens.auditor()).getEffectiveCertifications(
                    GetEffectiveCertificationsRequest.newBuilder().setRobotId(maker.robots().get(0)).build()),
                    Status.Code.UNAVAILABLE);
            assertThat(reason(read)).isEqualTo("FILING_UNAVAILABLE");
            // the same over REST: 503 application/problem+json
            io.restassured.RestAssured.given().auth().oauth2(body(body)).contentType("application/json")
                    .body(java.util.Map.of("request_id", requestId(), "subject", maker.modelCode(), "tier", "BASE_SAFETY",
                            "standards", java.util.List.of(ISO_13482), "test_date", java.time.Instant.now().toString(),
                            "outcome", "FAIL", "evidence", java.util.Map.of("report_uri", "https://r.example/1",
                                    "report_sha256", "ab".repeat(32))))
                    .when().post("/api/v1/test-results").then().statusCode(503).contentType("application/problem+json")
                    .body("reason", org.hamcrest.Matchers.equalTo("FILING_UNAVAILABLE"))
                    .body("status", org.hamcrest.Matchers.equalTo(503));
            // a unit test needs identity-service only
            assertThat(registry.as(body(body)).submitTestResult(pass(maker.robots().get(0), Tier.TIER_BASE_SAFETY)
                    .build()).hasCertificate()).isTrue();
            RegistryProcesses.restartFiling();
            assertThat(registry.as(Tokens.regulator()).listTestResults(ListTestResultsRequest.newBuilder()
                    .setSubject(maker.modelCode()).build()).getResultsList()).isEmpty();
            // the same request once filing is back (the channel reconnects after its backoff)
            io.robotid.certification.support.Lifecycle.await("filing-service answers again", () -> {
                try {
                    return registry.as(body(body)).submitTestResult(request).hasCertificate();
                } catch (io.grpc.StatusRuntimeException unavailable) {
                    assertThat(unavailable.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
                    return false;
                }
            });
        } finally {
            RegistryProcesses.restartFiling();
        }
    }
}
