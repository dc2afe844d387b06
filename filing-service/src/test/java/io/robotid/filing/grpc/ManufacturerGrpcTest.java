package io.robotid.filing.grpc;

import static io.robotid.testkit.GrpcAssertions.invalid;
import static io.robotid.testkit.GrpcAssertions.reason;
import static io.robotid.testkit.GrpcAssertions.refused;
import static io.robotid.testkit.GrpcAssertions.resourceInfo;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

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
import io.robotid.proto.common.v1.Contact;
import io.robotid.proto.common.v1.ContactPurpose;
import io.robotid.proto.filing.v1.GetManufacturerRequest;
import io.robotid.proto.filing.v1.GetProductionSiteRequest;
import io.robotid.proto.filing.v1.ListManufacturersRequest;
import io.robotid.proto.filing.v1.ListManufacturersResponse;
import io.robotid.proto.filing.v1.ListProductionSitesRequest;
import io.robotid.proto.filing.v1.Manufacturer;
import io.robotid.proto.filing.v1.ProductionSite;
import io.robotid.proto.filing.v1.RegisterManufacturerRequest;
import io.robotid.proto.filing.v1.RegisterManufacturerResponse;
import io.robotid.proto.filing.v1.RegisterProductionSiteRequest;

@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
class ManufacturerGrpcTest {

    static FilingClient client;

    @BeforeAll
    static void connect() {
        client = new FilingClient();
    }

    @AfterAll
    static void disconnect() throws InterruptedException {
        client.close();
    }

    static Manufacturer register() {
        return register(client);
    }

    static Manufacturer register(FilingClient client) {
        return client.as(Tokens.regulator()).registerManufacturer(Fixtures.manufacturer().build()).getManufacturer();
    }

    static ProductionSite registerSite(String manufacturerCode) {
        return client.as(Tokens.manufacturer(manufacturerCode)).registerProductionSite(site(manufacturerCode).build())
                .getSite();
    }

    static RegisterProductionSiteRequest.Builder site(String manufacturerCode) {
        return RegisterProductionSiteRequest.newBuilder().setRequestId(Fixtures.requestId())
                .setManufacturerCode(manufacturerCode).setName("Beijing plant")
                .setAddress("1 Robot Road, Yizhuang, Beijing").setCountry("CN");
    }

    @Test
    void regulatorRegistersAManufacturerAndAnyoneAuthenticatedReadsItBack() {
        RegisterManufacturerRequest request = Fixtures.manufacturer().build();
        Manufacturer registered = client.as(Tokens.regulator()).registerManufacturer(request).getManufacturer();

        assertThat(registered.getCode()).hasSize(4).matches("[0-9A-HJ-NP-Z]{4}");
        assertThat(registered.getCountry()).isEqualTo("CN");
        assertThat(registered.getContactsList()).hasSize(2);
        assertThat(registered.getRegistered().getSubject()).isEqualTo("regulator-1");
        assertThat(registered.getRegistered().getRole()).isEqualTo("REGULATOR");
        assertThat(registered.getRegistered().getRequestId()).isEqualTo(request.getRequestId());
        assertThat(registered.getRegistered().getTraceId()).isNotEmpty();

        Manufacturer read = client.as(Tokens.role("OPERATOR"))
                .getManufacturer(GetManufacturerRequest.newBuilder().setCode(registered.getCode().toLowerCase()).build())
                .getManufacturer();
        assertThat(read).isEqualTo(registered);
    }

    @Test
    void retryWithTheSameRequestIdReturnsTheStoredResponse() {
        RegisterManufacturerRequest request = Fixtures.manufacturer().build();
        RegisterManufacturerResponse first = client.as(Tokens.regulator()).registerManufacturer(request);
        RegisterManufacturerResponse retry = client.as(Tokens.regulator()).registerManufacturer(request);
        assertThat(retry).isEqualTo(first);
    }

    @Test
    void sameRequestIdWithADifferentRequestIsRefused() {
        RegisterManufacturerRequest request = Fixtures.manufacturer().build();
        client.as(Tokens.regulator()).registerManufacturer(request);
        RegisterManufacturerRequest other = request.toBuilder().setLegalName("Another Name Ltd.").build();

        var e = refused(() -> client.as(Tokens.regulator()).registerManufacturer(other), Status.Code.INVALID_ARGUMENT);
        assertThat(reason(e)).isEqualTo("REQUEST_ID_REUSED");
        assertThat(invalid(() -> client.as(Tokens.regulator()).registerManufacturer(other), "request_id"))
                .contains("already used");
    }

    @Test
    void duplicateRegistrationNumberInTheSameCountryIsAlreadyExists() {
        RegisterManufacturerRequest request = Fixtures.manufacturer().build();
        client.as(Tokens.regulator()).registerManufacturer(request);
        var e = refused(() -> client.as(Tokens.regulator())
                .registerManufacturer(request.toBuilder().setRequestId(Fixtures.requestId()).build()),
                Status.Code.ALREADY_EXISTS);
        assertThat(resourceInfo(e).getResourceType()).isEqualTo("manufacturer");
    }

    @Test
    void badInputNamesTheFieldAndStoresNothing() {
        int before = countManufacturers();
        var regulator = client.as(Tokens.regulator());

        assertThat(invalid(() -> regulator.registerManufacturer(Fixtures.manufacturer().setCountry("XX").build()),
                "country")).contains("ISO 3166-1 alpha-2");
        assertThat(invalid(() -> regulator.registerManufacturer(Fixtures.manufacturer().setCountry("CHN").build()),
                "country")).contains("ISO 3166-1 alpha-2");
        assertThat(invalid(() -> regulator.registerManufacturer(Fixtures.manufacturer().setLegalName("").build()),
                "legal_name")).isEqualTo("is required");
        assertThat(invalid(() -> regulator.registerManufacturer(
                Fixtures.manufacturer().setLegalName("x".repeat(301)).build()), "legal_name"))
                .contains("at most 300");
        invalid(() -> regulator.registerManufacturer(Fixtures.manufacturer().setRegistrationNumber("").build()),
                "registration_number");
        invalid(() -> regulator.registerManufacturer(Fixtures.manufacturer().setRegistrationNumber("<script>").build()),
                "registration_number");
        invalid(() -> regulator.registerManufacturer(Fixtures.manufacturer().clearContacts().build()), "contacts");
        invalid(() -> regulator.registerManufacturer(Fixtures.manufacturer().clearContacts()
                .addContacts(Contact.newBuilder().setPurpose(ContactPurpose.CONTACT_PURPOSE_EMERGENCY).setName("x")
                        .setPhone("+861012345678")).build()), "contacts");
        invalid(() -> regulator.registerManufacturer(Fixtures.manufacturer().addContacts(Contact.newBuilder()
                .setPurpose(ContactPurpose.CONTACT_PURPOSE_PUBLIC).setName("x").setEmail("not-an-email")).build()),
                "contacts[2].email");
        invalid(() -> regulator.registerManufacturer(Fixtures.manufacturer().addContacts(Contact.newBuilder()
                .setName("x").setPhone("12345")).build()), "contacts[2].purpose");
        invalid(() -> regulator.registerManufacturer(Fixtures.manufacturer().addContacts(Contact.newBuilder()
                .setName("x").setPhone("12345").setPurpose(ContactPurpose.CONTACT_PURPOSE_PUBLIC)).build()),
                "contacts[2].phone");
        invalid(() -> regulator.registerManufacturer(Fixtures.manufacturer().setRequestId("").build()), "request_id");
        invalid(() -> regulator.registerManufacturer(Fixtures.manufacturer().setRequestId("retry-1").build()),
                "request_id");

        assertThat(countManufacturers()).isEqualTo(before);
    }

    @Test
    void allViolationsAreReportedAtOnce() {
        var e = refused(() -> client.as(Tokens.regulator()).registerManufacturer(RegisterManufacturerRequest.newBuilder()
                .setRequestId(Fixtures.requestId()).setCountry("ZZ").build()), Status.Code.INVALID_ARGUMENT);
        assertThat(io.robotid.testkit.GrpcAssertions.details(e, com.google.rpc.BadRequest.class)
                .getFieldViolationsList()).extracting(v -> v.getField())
                .contains("legal_name", "country", "registration_number", "contacts");
    }

    @Test
    void unknownAndMalformedCodes() {
        var any = client.as(Tokens.auditor());
        var e = refused(() -> any.getManufacturer(GetManufacturerRequest.newBuilder().setCode("ZZZZ").build()),
                Status.Code.NOT_FOUND);
        assertThat(resourceInfo(e).getResourceName()).isEqualTo("ZZZZ");
        invalid(() -> any.getManufacturer(GetManufacturerRequest.newBuilder().setCode("AB").build()), "code");
        invalid(() -> any.getManufacturer(GetManufacturerRequest.newBuilder().setCode("AOB1").build()), "code");
        invalid(() -> any.getManufacturer(GetManufacturerRequest.newBuilder().build()), "code");
    }

    @Test
    void listPagesThroughEveryManufacturerOnceInCodeOrder() {
        for (int i = 0; i < 3; i++) {
            register();
        }
        var auditor = client.as(Tokens.auditor());
        List<String> codes = new ArrayList<>();
        String token = "";
        do {
            ListManufacturersResponse page = auditor.listManufacturers(
                    ListManufacturersRequest.newBuilder().setPageSize(2).setPageToken(token).build());
            assertThat(page.getManufacturersCount()).isLessThanOrEqualTo(2);
            page.getManufacturersList().forEach(m -> codes.add(m.getCode()));
            token = page.getNextPageToken();
        } while (!token.isEmpty());
        assertThat(codes).doesNotHaveDuplicates().isSorted().hasSize(countManufacturers());

        invalid(() -> auditor.listManufacturers(ListManufacturersRequest.newBuilder().setPageSize(501).build()),
                "page_size");
        invalid(() -> auditor.listManufacturers(ListManufacturersRequest.newBuilder().setPageSize(-1).build()),
                "page_size");
        invalid(() -> auditor.listManufacturers(ListManufacturersRequest.newBuilder().setPageToken("garbage").build()),
                "page_token");
        invalid(() -> auditor.listManufacturers(ListManufacturersRequest.newBuilder().setCountry("XX").build()),
                "country");
        String cnToken = auditor.listManufacturers(ListManufacturersRequest.newBuilder().setPageSize(1)
                .setCountry("CN").build()).getNextPageToken();
        invalid(() -> auditor.listManufacturers(ListManufacturersRequest.newBuilder().setPageToken(cnToken)
                .setCountry("DE").build()), "page_token");
    }

    @Test
    void concurrentRegistrationsGetDistinctCodes() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<String>> calls = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                calls.add(() -> register().getCode());
            }
            Set<String> codes = new HashSet<>();
            for (Future<String> f : pool.invokeAll(calls)) {
                codes.add(f.get());
            }
            assertThat(codes).hasSize(24);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void manufacturerFilesItsSitesWithDistinctCodesEvenConcurrently() throws Exception {
        String code = register().getCode();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Callable<String>> calls = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                calls.add(() -> registerSite(code).getSiteCode());
            }
            Set<String> sites = new HashSet<>();
            for (Future<String> f : pool.invokeAll(calls)) {
                sites.add(f.get());
            }
            assertThat(sites).hasSize(12).allMatch(s -> s.matches("[0-9A-HJ-NP-Z]{2}"));
        } finally {
            pool.shutdownNow();
        }
        var reader = client.as(Tokens.role("OPERATOR"));
        assertThat(reader.listProductionSites(ListProductionSitesRequest.newBuilder().setManufacturerCode(code)
                .setPageSize(5).build()).getSitesCount()).isEqualTo(5);
        ProductionSite first = reader.getProductionSite(GetProductionSiteRequest.newBuilder()
                .setManufacturerCode(code).setSiteCode("01").build()).getSite();
        assertThat(first.getName()).isEqualTo("Beijing plant");
        refused(() -> reader.getProductionSite(GetProductionSiteRequest.newBuilder().setManufacturerCode(code)
                .setSiteCode("ZZ").build()), Status.Code.NOT_FOUND);
    }

    @Test
    void siteRulesAndWrongCallers() {
        String code = register().getCode();
        String other = register().getCode();
        var maker = client.as(Tokens.manufacturer(code));

        var e = refused(() -> maker.registerProductionSite(site(other).build()), Status.Code.PERMISSION_DENIED);
        assertThat(reason(e)).isEqualTo("NOT_CALLERS_MANUFACTURER");
        refused(() -> client.as(Tokens.regulator()).registerProductionSite(site(code).build()),
                Status.Code.PERMISSION_DENIED);
        refused(() -> client.anonymous().registerProductionSite(site(code).build()), Status.Code.UNAUTHENTICATED);
        invalid(() -> maker.registerProductionSite(site(code).setName("").build()), "name");
        invalid(() -> maker.registerProductionSite(site(code).setAddress("a".repeat(501)).build()), "address");
        invalid(() -> maker.registerProductionSite(site(code).setCountry("XX").build()), "country");
        invalid(() -> maker.registerProductionSite(site(code).setManufacturerCode("A").build()), "manufacturer_code");
        // A manufacturer code that exists in the token but not in the registry.
        refused(() -> client.as(Tokens.manufacturer("ZZZY")).registerProductionSite(site("ZZZY").build()),
                Status.Code.NOT_FOUND);
        assertThat(client.as(Tokens.auditor()).listProductionSites(ListProductionSitesRequest.newBuilder()
                .setManufacturerCode(code).build()).getSitesCount()).isZero();
    }

    private static int countManufacturers() {
        int count = 0;
        String token = "";
        do {
            ListManufacturersResponse page = client.as(Tokens.auditor()).listManufacturers(
                    ListManufacturersRequest.newBuilder().setPageSize(500).setPageToken(token).build());
            count += page.getManufacturersCount();
            token = page.getNextPageToken();
        } while (!token.isEmpty());
        return count;
    }
}
