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

    /**
     * filing-service's transparency log publishes its checkpoint (tlog-tiles), signed by its own key (the
     * empty tree's until a filing is written), and refuses bad tile paths by name.
     */
    @Test
    void theLogPublishesItsCheckpoint() throws Exception {
        String note = null;
        for (int i = 0; i < 100 && note == null; i++) {
            var response = given().when().get("/tlog/checkpoint");
            if (response.statusCode() == 200) {
                note = response.asString();
            } else {
                Thread.sleep(50);
            }
        }
        assertThat(note).as("the log's checkpoint").isNotNull();
        io.robotid.evidence.tlog.SignedNote signed = io.robotid.evidence.tlog.SignedNote.parse(note);
        io.robotid.evidence.tlog.Checkpoint checkpoint = io.robotid.evidence.tlog.Checkpoint.parse(signed.text());
        assertThat(checkpoint.origin()).isEqualTo("robotid.local/filing-service");
        if (checkpoint.size() == 0) {
            assertThat(checkpoint.rootHash()).isEqualTo(io.robotid.evidence.tlog.Proofs.emptyRoot());
        }
        assertThat(signed.signatures()).extracting(io.robotid.evidence.tlog.SignedNote.Signature::keyName)
                .containsExactly("robotid.local/filing-service");
        given().when().get("/tlog/tile/0/x999/x999/x999/x999/x999/x999/999").then().statusCode(400)
                .body(org.hamcrest.Matchers.startsWith("tile path: the index is out of range"));
        given().when().get("/tlog/tile/0/x999/999.p/1").then().statusCode(404);
    }

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
