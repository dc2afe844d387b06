package io.robotid.filing.grpc;

import static io.robotid.testkit.GrpcAssertions.invalid;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.robotid.filing.support.FilingClient;
import io.robotid.filing.support.Fixtures;
import io.robotid.testkit.Tokens;
import io.robotid.proto.filing.v1.RegisterManufacturerRequest;
import io.robotid.proto.filing.v1.RegisterManufacturerResponse;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

/** The kit's idempotent, audited writes, seen from outside and in the service's own database. */
@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
class IdempotencyAndAuditTest {

    static FilingClient client;

    @Inject
    Pool database;

    @BeforeAll
    static void connect() {
        client = new FilingClient();
    }

    @AfterAll
    static void disconnect() throws InterruptedException {
        client.close();
    }

    @Test
    void concurrentDuplicatesOfOneRequestCreateOneManufacturerAndAllGetItsResponse() throws Exception {
        RegisterManufacturerRequest request = Fixtures.manufacturer().build();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<RegisterManufacturerResponse>> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                calls.add(() -> client.as(Tokens.regulator()).registerManufacturer(request));
            }
            List<RegisterManufacturerResponse> responses = new ArrayList<>();
            for (Future<RegisterManufacturerResponse> f : pool.invokeAll(calls)) {
                responses.add(f.get());
            }
            assertThat(responses).allMatch(r -> r.equals(responses.get(0)));
        } finally {
            pool.shutdownNow();
        }
        long rows = query("select count(*) from manufacturer where registration_number = $1",
                Tuple.of(request.getRegistrationNumber())).iterator().next().getLong(0);
        assertThat(rows).isEqualTo(1);
    }

    @Test
    void aRefusedWriteLeavesNoClaimSoTheCorrectedRetrySucceeds() {
        RegisterManufacturerRequest bad = Fixtures.manufacturer().setCountry("XX").build();
        invalid(() -> client.as(Tokens.regulator()).registerManufacturer(bad), "country");
        assertThat(query("select 1 from write_record where request_id = $1",
                Tuple.of(UUID.fromString(bad.getRequestId()))).size()).isZero();

        RegisterManufacturerRequest fixed = bad.toBuilder().setCountry("DE").build();
        assertThat(client.as(Tokens.regulator()).registerManufacturer(fixed).getManufacturer().getCountry())
                .isEqualTo("DE");
    }

    @Test
    void everyWriteIsAuditedWithCallerRequestAndTrace() {
        String code = ManufacturerGrpcTest.register(client).getCode();
        var site = ManufacturerGrpcTest.site(code).build();
        var registered = client.as(Tokens.manufacturer(code)).registerProductionSite(site).getSite().getRegistered();

        Row row = query("select operation, subject, role, organisation, trace_id, recorded_at, response"
                + " from write_record where request_id = $1", Tuple.of(UUID.fromString(site.getRequestId())))
                .iterator().next();
        assertThat(row.getString("operation")).isEqualTo("RegisterProductionSite");
        assertThat(row.getString("subject")).isEqualTo("erp-" + code);
        assertThat(row.getString("role")).isEqualTo("MANUFACTURER");
        assertThat(row.getString("organisation")).isEqualTo("manufacturer_code:" + code);
        assertThat(row.getString("trace_id")).isEqualTo(registered.getTraceId()).matches("[0-9a-f]{32}");
        assertThat(row.getBuffer("response").length()).isPositive();
        assertThat(registered.getOrganisation()).isEqualTo("manufacturer_code:" + code);

        Row stored = query("select subject, request_id, trace_id from production_site where manufacturer_code = $1",
                Tuple.of(code)).iterator().next();
        assertThat(stored.getString("subject")).isEqualTo("erp-" + code);
        assertThat(stored.getUUID("request_id")).isEqualTo(UUID.fromString(site.getRequestId()));
    }

    private RowSet<Row> query(String sql, Tuple arguments) {
        return database.preparedQuery(sql).execute(arguments).await().atMost(Duration.ofSeconds(10));
    }
}
