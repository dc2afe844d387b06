package io.robotid.identity.grpc;

import static io.robotid.testkit.GrpcAssertions.reason;
import static io.robotid.testkit.GrpcAssertions.refused;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.grpc.Status;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.robotid.identity.support.Clients;
import io.robotid.identity.support.FilingServiceProcess;
import io.robotid.proto.identity.v1.IssueIdentitiesRequest;
import io.robotid.testkit.Tokens;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/** filing-service cannot be reached: issuance is UNAVAILABLE and nothing is stored. */
@QuarkusTest
@QuarkusTestResource(FilingServiceProcess.class)
@TestProfile(FilingUnavailableIT.NoFiling.class)
class FilingUnavailableIT {

    public static class NoFiling implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // Nothing listens on port 1.
            return Map.of("quarkus.grpc.clients.filing.test-port", "1");
        }
    }

    @Inject
    Pool database;

    @Test
    void issuanceFailsUnavailableAndIssuesNothing() throws Exception {
        IssueIdentitiesRequest request = IssueIdentitiesRequest.newBuilder().setRequestId(UUID.randomUUID().toString())
                .setModelCode("0001AB").setSiteCode("01").setProductionYear(26).setCount(10).build();
        try (Clients clients = new Clients()) {
            var e = refused(() -> clients.identity(Tokens.manufacturer("0001")).issueIdentities(request).hasNext(),
                    Status.Code.UNAVAILABLE);
            assertThat(reason(e)).isEqualTo("FILING_UNAVAILABLE");
        }
        long batches = database.preparedQuery("select count(*) from issuance_batch where request_id = $1")
                .execute(Tuple.of(UUID.fromString(request.getRequestId()))).await().atMost(Duration.ofSeconds(5))
                .iterator().next().getLong(0);
        assertThat(batches).isZero();
    }
}
