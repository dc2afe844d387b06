package io.robotid.certification.grpc;

import io.robotid.testkit.Filings;
import static io.restassured.RestAssured.given;
import static io.robotid.certification.support.Registry.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.robotid.certification.support.Registry;
import io.robotid.certification.support.RegistryProcesses;
import io.robotid.proto.certification.v1.*;
import io.robotid.testkit.SingleAnswer;
import io.robotid.testkit.Tokens;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Health over HTTP (database included) and gRPC, reflection for grpcurl, and the audit trail:
 * every write records who, in which role and organisation, when, the request id and trace id.
 */
@QuarkusTest
@QuarkusTestResource(RegistryProcesses.class)
class OperabilityAndAuditIT {
    static Registry registry;

    @Inject
    Pool database;

    @BeforeAll
    static void connect() {
        registry = new Registry();
    }

    @AfterAll
    static void disconnect() throws InterruptedException {
        registry.close();
    }

    @Test
    void readinessIncludesTheDatabase() {
        given().when().get("/q/health/live").then().statusCode(200);
        given().when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.name", hasItem("Reactive PostgreSQL connections health check"));
    }

    @Test
    void grpcHealthAndReflectionAnswer() throws Exception {
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", Registry.CERTIFICATION_PORT)
                .usePlaintext().build();
        try {
            HealthCheckResponse health = HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.newBuilder().setService("robotid.certification.v1.CertificationService")
                            .build());
            assertThat(health.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
            SingleAnswer<ServerReflectionResponse> answer = new SingleAnswer<>();
            StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel)
                    .serverReflectionInfo(answer);
            requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
            ServerReflectionResponse response = answer.await(10, TimeUnit.SECONDS);
            requests.onCompleted();
            assertThat(response.getListServicesResponse().getServiceList()).extracting(s -> s.getName())
                    .contains("robotid.certification.v1.CertificationService");
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void everyWriteIsAuditedWithItsRequestAndTrace() {
        Filings.Maker maker = registry.maker(0);
        String bodyId = registry.accredit(Tier.TIER_BASE_SAFETY);
        SubmitTestResultRequest request = pass(maker.modelCode(), Tier.TIER_BASE_SAFETY).build();
        Certificate c = registry.as(body(bodyId)).submitTestResult(request).getCertificate();
        assertThat(c.getIssued().getSubject()).isEqualTo("body-" + bodyId);
        assertThat(c.getIssued().getRole()).isEqualTo("CERTIFICATION_BODY");
        assertThat(c.getIssued().getOrganisation()).isEqualTo("certification_body_id:" + bodyId);
        assertThat(c.getIssued().getTraceId()).hasSize(32);

        Row record = database.preparedQuery("select operation, subject, role, organisation, trace_id from write_record"
                + " where request_id = $1").execute(Tuple.of(UUID.fromString(request.getRequestId())))
                .await().atMost(Duration.ofSeconds(10)).iterator().next();
        assertThat(record.getString("operation")).isEqualTo("SubmitTestResult");
        assertThat(record.getString("subject")).isEqualTo("body-" + bodyId);
        assertThat(record.getString("organisation")).isEqualTo("certification_body_id:" + bodyId);
        assertThat(record.getString("trace_id")).isEqualTo(c.getIssued().getTraceId());

        String reason = "unannounced audit";
        SuspendCertificateRequest suspend = SuspendCertificateRequest.newBuilder().setRequestId(requestId())
                .setCertificateId(c.getCertificateId()).setReason(reason).build();
        Certificate suspended = registry.as(Tokens.regulator()).suspendCertificate(suspend).getCertificate();
        Row action = database.preparedQuery("select action, reason, role, request_id from certificate_action"
                + " where certificate_id = $1").execute(Tuple.of(UUID.fromString(c.getCertificateId())))
                .await().atMost(Duration.ofSeconds(10)).iterator().next();
        assertThat(action.getString("action")).isEqualTo("SUSPEND");
        assertThat(action.getString("reason")).isEqualTo(reason);
        assertThat(action.getString("role")).isEqualTo("REGULATOR");
        assertThat(action.getUUID("request_id").toString()).isEqualTo(suspend.getRequestId());
        assertThat(suspended.getLastChanged().getRequestId()).isEqualTo(suspend.getRequestId());
    }
}
