package io.robotid.filing.grpc;

import static io.robotid.testkit.GrpcAssertions.reason;
import static io.robotid.testkit.GrpcAssertions.refused;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.grpc.Status;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.robotid.filing.support.FilingClient;
import io.robotid.filing.support.Fixtures;
import io.robotid.testkit.Tokens;
import io.robotid.proto.filing.v1.*;

/** Every RPC without a valid token, and every mutating RPC with a wrong role. */
@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
class FilingSecurityTest {

    static FilingClient client;

    @BeforeAll
    static void connect() {
        client = new FilingClient();
    }

    @AfterAll
    static void disconnect() throws InterruptedException {
        client.close();
    }

    /** One well-formed call of every RPC. */
    static final Map<String, Consumer<FilingServiceGrpc.FilingServiceBlockingStub>> EVERY_RPC = Map.ofEntries(
            Map.entry("RegisterManufacturer", s -> s.registerManufacturer(Fixtures.manufacturer().build())),
            Map.entry("GetManufacturer", s -> s.getManufacturer(GetManufacturerRequest.newBuilder().setCode("0001").build())),
            Map.entry("ListManufacturers", s -> s.listManufacturers(ListManufacturersRequest.getDefaultInstance())),
            Map.entry("RegisterProductionSite", s -> s.registerProductionSite(ManufacturerGrpcTest.site("0001").build())),
            Map.entry("GetProductionSite", s -> s.getProductionSite(GetProductionSiteRequest.newBuilder()
                    .setManufacturerCode("0001").setSiteCode("01").build())),
            Map.entry("ListProductionSites", s -> s.listProductionSites(ListProductionSitesRequest.newBuilder()
                    .setManufacturerCode("0001").build())),
            Map.entry("SubmitModelFiling", s -> s.submitModelFiling(SubmitModelFilingRequest.newBuilder()
                    .setRequestId(Fixtures.requestId()).setManufacturerCode("0001")
                    .setSpecification(Fixtures.specification()).build())),
            Map.entry("ReviewModelFiling", s -> s.reviewModelFiling(ReviewModelFilingRequest.newBuilder()
                    .setRequestId(Fixtures.requestId()).setFilingId(java.util.UUID.randomUUID().toString())
                    .setRevision(1).setDecision(ReviewDecision.REVIEW_DECISION_ACCEPT).build())),
            Map.entry("AmendModelFiling", s -> s.amendModelFiling(AmendModelFilingRequest.newBuilder()
                    .setRequestId(Fixtures.requestId()).setFilingId(java.util.UUID.randomUUID().toString())
                    .setReason("r").setSpecification(Fixtures.specification()).build())),
            Map.entry("WithdrawModel", s -> s.withdrawModel(WithdrawModelRequest.newBuilder()
                    .setRequestId(Fixtures.requestId()).setFilingId(java.util.UUID.randomUUID().toString())
                    .setReason("r").build())),
            Map.entry("GetModel", s -> s.getModel(GetModelRequest.newBuilder().setModelCode("000001").build())),
            Map.entry("ListModels", s -> s.listModels(ListModelsRequest.getDefaultInstance())),
            Map.entry("ListModelRevisions", s -> s.listModelRevisions(ListModelRevisionsRequest.newBuilder()
                    .setFilingId(java.util.UUID.randomUUID().toString()).build())));

    @Test
    void everyRpcIsListedHere() {
        assertThat(EVERY_RPC.keySet()).containsExactlyInAnyOrderElementsOf(
                FilingServiceGrpc.getServiceDescriptor().getMethods().stream()
                        .map(m -> m.getBareMethodName()).toList());
    }

    @Test
    void everyRpcRefusesCallsWithoutAValidToken() {
        EVERY_RPC.forEach((name, call) -> {
            var e = refused(() -> call.accept(client.anonymous()), Status.Code.UNAUTHENTICATED);
            assertThat(reason(e)).as(name).isEqualTo("UNAUTHENTICATED");
            refused(() -> call.accept(client.as(Tokens.expired("REGULATOR"))), Status.Code.UNAUTHENTICATED);
            refused(() -> call.accept(client.as(Tokens.forged("REGULATOR"))), Status.Code.UNAUTHENTICATED);
            refused(() -> call.accept(client.as(Tokens.wrongAudience("REGULATOR"))), Status.Code.UNAUTHENTICATED);
            refused(() -> call.accept(client.as("not-a-jwt")), Status.Code.UNAUTHENTICATED);
        });
    }

    @Test
    void aKeycloakFullGroupPathNamingARoleCountsAsThatRoleAndANestedOneDoesNot() {
        // Keycloak's Group Membership mapper writes "/REGULATOR" unless "Full group path" is switched off
        var registered = client.as(Tokens.role("/REGULATOR")).registerManufacturer(Fixtures.manufacturer().build());
        assertThat(registered.getManufacturer().getCode()).isNotBlank();
        var nested = client.as(Tokens.role("/acme/REGULATOR"));
        var e = refused(() -> EVERY_RPC.get("RegisterManufacturer").accept(nested), Status.Code.PERMISSION_DENIED);
        assertThat(reason(e)).isEqualTo("ROLE_NOT_ALLOWED");
    }

    @Test
    void onlyARegulatorRegistersManufacturersAndReviewsFilings() {
        for (String role : new String[] { "MANUFACTURER", "OPERATOR", "AUDITOR", "ROBOT", "CERTIFICATION_BODY" }) {
            var caller = client.as(Tokens.token("x", role, "manufacturer_code", "0001"));
            var e = refused(() -> EVERY_RPC.get("RegisterManufacturer").accept(caller), Status.Code.PERMISSION_DENIED);
            assertThat(reason(e)).isEqualTo("ROLE_NOT_ALLOWED");
            refused(() -> EVERY_RPC.get("ReviewModelFiling").accept(caller), Status.Code.PERMISSION_DENIED);
        }
    }

    @Test
    void onlyAManufacturerFilesSitesAndModels() {
        for (String role : new String[] { "REGULATOR", "OPERATOR", "AUDITOR", "SERVICE_PROVIDER" }) {
            var caller = client.as(Tokens.role(role));
            refused(() -> EVERY_RPC.get("RegisterProductionSite").accept(caller), Status.Code.PERMISSION_DENIED);
            refused(() -> EVERY_RPC.get("SubmitModelFiling").accept(caller), Status.Code.PERMISSION_DENIED);
            refused(() -> EVERY_RPC.get("AmendModelFiling").accept(caller), Status.Code.PERMISSION_DENIED);
        }
        refused(() -> EVERY_RPC.get("WithdrawModel").accept(client.as(Tokens.role("OPERATOR"))),
                Status.Code.PERMISSION_DENIED);
    }

    @Test
    void aManufacturerTokenWithoutItsCodeClaimCannotFile() {
        var codeless = client.as(Tokens.role("MANUFACTURER"));
        var e = refused(() -> EVERY_RPC.get("SubmitModelFiling").accept(codeless), Status.Code.PERMISSION_DENIED);
        assertThat(reason(e)).isEqualTo("NOT_CALLERS_MANUFACTURER");
    }
}
