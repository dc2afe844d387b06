package io.robotid.filing.grpc;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.robotid.filing.support.FilingClient;
import io.robotid.testkit.SingleAnswer;

/** Health over HTTP (database included) and gRPC, and server reflection for grpcurl, without a token. */
@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
class OperabilityTest {

    @Test
    void readinessIncludesTheDatabase() {
        given().when().get("/q/health/live").then().statusCode(200);
        given().when().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("Reactive PostgreSQL connections health check"));
    }

    @Test
    void grpcHealthAndReflectionAnswer() throws Exception {
        try (FilingClient client = new FilingClient()) {
            HealthCheckResponse health = HealthGrpc.newBlockingStub(client.channel())
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.newBuilder().setService("robotid.filing.v1.FilingService").build());
            assertThat(health.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);

            SingleAnswer<ServerReflectionResponse> answer = new SingleAnswer<>();
            StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(client.channel())
                    .serverReflectionInfo(answer);
            requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
            ServerReflectionResponse response = answer.await(10, TimeUnit.SECONDS);
            requests.onCompleted();
            assertThat(response.getListServicesResponse().getServiceList())
                    .extracting(s -> s.getName()).contains("robotid.filing.v1.FilingService");
        }
    }
}
