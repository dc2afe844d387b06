package io.robotid.filing.grpc;

import static io.robotid.testkit.GrpcAssertions.refused;
import static org.assertj.core.api.Assertions.assertThat;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.grpc.Status;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.robotid.filing.support.FilingClient;
import io.robotid.kit.security.tokens.VerifiedTokens;
import io.robotid.proto.filing.v1.ListManufacturersRequest;
import io.robotid.testkit.Tokens;

/**
 * Each token is verified once by quarkus-oidc, then answered from the cache of verified tokens; a token
 * that expires while cached is refused from its expiry on; every token fault is refused warm as cold.
 */
@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
class TokenCacheTest {
    @Inject
    VerifiedTokens tokens;

    @Test
    void aTokenIsVerifiedOnceAndThenAnsweredFromTheCache() throws Exception {
        try (FilingClient client = new FilingClient()) {
            String token = Tokens.auditor();
            long hitsBefore = tokens.hits();
            for (int i = 0; i < 5; i++) {
                client.as(token).listManufacturers(ListManufacturersRequest.getDefaultInstance());
            }
            assertThat(tokens.hits() - hitsBefore).as("calls after the first answered from the cache").isGreaterThanOrEqualTo(4);
        }
    }

    @Test
    void aTokenThatExpiresWhileCachedIsRefusedAtItsExpiry() throws Exception {
        try (FilingClient client = new FilingClient()) {
            String brief = Tokens.expiringIn("AUDITOR", 3);
            client.as(brief).listManufacturers(ListManufacturersRequest.getDefaultInstance());
            long hits = tokens.hits();
            client.as(brief).listManufacturers(ListManufacturersRequest.getDefaultInstance());
            assertThat(tokens.hits()).as("cached").isGreaterThan(hits);
            Thread.sleep(3_500);
            refused(() -> client.as(brief).listManufacturers(ListManufacturersRequest.getDefaultInstance()),
                    Status.Code.UNAUTHENTICATED);
        }
    }

    @Test
    void everyTokenFaultIsRefusedWithTheCacheWarm() throws Exception {
        try (FilingClient client = new FilingClient()) {
            // warm: the good tokens of the same roles are cached
            client.as(Tokens.regulator()).listManufacturers(ListManufacturersRequest.getDefaultInstance());
            client.as(Tokens.regulator()).listManufacturers(ListManufacturersRequest.getDefaultInstance());
            for (String bad : new String[] { Tokens.expired("REGULATOR"), Tokens.wrongAudience("REGULATOR"),
                    Tokens.forged("REGULATOR"), "not-a-token" }) {
                for (int i = 0; i < 2; i++) {
                    refused(() -> client.as(bad).listManufacturers(ListManufacturersRequest.getDefaultInstance()),
                            Status.Code.UNAUTHENTICATED);
                }
            }
            refused(() -> client.anonymous().listManufacturers(ListManufacturersRequest.getDefaultInstance()),
                    Status.Code.UNAUTHENTICATED);
        }
    }
}
