package io.robotid.lifecycle.evidence;

import static io.robotid.lifecycle.support.Fleet.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.robotid.evidence.codec.Hex;
import io.robotid.evidence.tlog.RecordProofs;
import io.robotid.evidence.tlog.WitnessPolicy;
import io.robotid.lifecycle.support.Fleet;
import io.robotid.lifecycle.support.RegistryProcesses;
import io.robotid.proto.lifecycle.v1.LifecycleServiceGrpc;
import io.robotid.proto.lifecycle.v1.RecordEventResponse;
import io.robotid.proto.tlog.v1.GetLogInfoRequest;
import io.robotid.proto.tlog.v1.GetRecordEvidenceRequest;
import io.robotid.proto.tlog.v1.GetRecordEvidenceResponse;
import io.robotid.proto.tlog.v1.TransparencyLogServiceGrpc;
import io.robotid.testkit.ServiceProcess;
import io.robotid.testkit.Tokens;

/**
 * Two replicas of lifecycle-service on one database, as a cluster runs it: both write events at once,
 * and one integrator at a time (the PostgreSQL advisory lock) gives every leaf exactly one index, with no
 * gap, so both replicas serve one log. The second replica is the built jar in its own process, with the
 * same log key, beside this test's application.
 */
@QuarkusTest
@QuarkusTestResource(RegistryProcesses.class)
class TwoReplicasIT {
    static final int SECOND_PORT = 18113;
    static Fleet fleet;
    static ServiceProcess second;
    static ManagedChannel secondChannel;

    @BeforeAll
    static void setUp() {
        fleet = new Fleet().issue(16);
        var config = ConfigProvider.getConfig();
        Map<String, String> props = new HashMap<>();
        props.put("robotid.db.name", config.getValue("robotid.db.name", String.class));
        props.put("quarkus.oidc.auth-server-url", config.getValue("quarkus.oidc.auth-server-url", String.class));
        props.put("quarkus.oidc.token.issuer", "https://server.example.com");
        props.put("quarkus.oidc.token.audience", "robotid");
        props.put("quarkus.grpc.clients.identity.port", Integer.toString(RegistryProcesses.IDENTITY_PORT));
        props.put("quarkus.grpc.clients.filing.port", Integer.toString(RegistryProcesses.FILING_PORT));
        // the same log: its key and origin (the default, from the application name)
        props.put("robotid.tlog.key-file", Path.of(config.getOptionalValue("robotid.tlog.key-file", String.class)
                .orElse("target/tlog/lifecycle-service-log.key")).toAbsolutePath().toString());
        props.put("robotid.tlog.generate-key", "false");
        second = ServiceProcess.start("lifecycle-service", SECOND_PORT, props, Map.of(), Duration.ofSeconds(90),
                Path.of("target", "lifecycle-service-replica-2.log").toAbsolutePath(), false);
        secondChannel = ManagedChannelBuilder.forAddress("127.0.0.1", SECOND_PORT).usePlaintext().build();
    }

    @AfterAll
    static void tearDown() throws InterruptedException {
        if (secondChannel != null) {
            secondChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (second != null) {
            second.close();
        }
        fleet.close();
    }

    static Metadata bearer(String token) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        return headers;
    }

    static LifecycleServiceGrpc.LifecycleServiceBlockingStub secondAs(String token) {
        return LifecycleServiceGrpc.newBlockingStub(secondChannel).withDeadlineAfter(30, TimeUnit.SECONDS)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(token)));
    }

    static TransparencyLogServiceGrpc.TransparencyLogServiceBlockingStub log(ManagedChannel channel, String token) {
        var stub = TransparencyLogServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
        return token == null ? stub : stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(token)));
    }

    @Test
    void bothReplicasWriteAndServeOneLogWithEveryLeafOnce() throws Exception {
        String maker = Tokens.manufacturer(fleet.manufacturerCode);
        ManagedChannel first = ManagedChannelBuilder.forAddress("127.0.0.1", Fleet.LIFECYCLE_PORT).usePlaintext().build();
        ExecutorService writers = Executors.newFixedThreadPool(4);
        List<Future<RecordEventResponse>> writes = new ArrayList<>();
        try {
            // half the robots through each replica, at the same time: PRODUCED then SOLD for each
            for (int i = 0; i < fleet.robots.size(); i++) {
                String robot = fleet.robots.get(i);
                boolean viaSecond = i % 2 == 1;
                writes.add(writers.submit(() -> {
                    var stub = viaSecond ? secondAs(maker) : fleet.as(maker);
                    stub.recordEvent(event(robot, produced()).build());
                    return stub.recordEvent(event(robot, sold("org-a")).build());
                }));
            }
            List<RecordEventResponse> written = new ArrayList<>();
            for (Future<RecordEventResponse> w : writes) {
                written.add(w.get(60, TimeUnit.SECONDS));
            }

            // every event provable through either replica, under the log's own key
            WitnessPolicy logOnly = WitnessPolicy.parse("log " + log(first, null).getLogInfo(GetLogInfoRequest.getDefaultInstance())
                    .getVkey() + "\nquorum none\n");
            assertThat(log(secondChannel, null).getLogInfo(GetLogInfoRequest.getDefaultInstance()).getVkey())
                    .as("one log: the same key on both replicas")
                    .isEqualTo(log(first, null).getLogInfo(GetLogInfoRequest.getDefaultInstance()).getVkey());
            for (RecordEventResponse r : written) {
                String key = "event/" + r.getEvent().getRobotId() + "/" + r.getEvent().getSequence();
                for (ManagedChannel channel : List.of(first, secondChannel)) {
                    GetRecordEvidenceResponse e = await(channel, key);
                    RecordProofs.verify(logOnly, e.getTlogProof(), "lifecycle-event", e.getSalt().toByteArray(),
                            Hex.parse(r.getEvent().getHash()));
                }
            }
        } finally {
            writers.shutdownNow();
            first.shutdownNow();
        }

        // every leaf has exactly one index, the indexes are 0..n-1 with no gap, and nothing is pending
        try (Connection db = DriverManager.getConnection(
                ConfigProvider.getConfig().getValue("quarkus.datasource.jdbc.url", String.class),
                ConfigProvider.getConfig().getOptionalValue("quarkus.datasource.username", String.class).orElse("postgres"),
                ConfigProvider.getConfig().getOptionalValue("quarkus.datasource.password", String.class).orElse(""));
                ResultSet r = db.createStatement().executeQuery("""
                        select count(*), count(distinct leaf_index), min(leaf_index), max(leaf_index),
                               count(*) filter (where leaf_index is null) from tlog_leaf""")) {
            r.next();
            assertThat(r.getLong(5)).as("leaves not integrated").isZero();
            assertThat(r.getLong(2)).as("distinct indexes").isEqualTo(r.getLong(1));
            assertThat(r.getLong(3)).isZero();
            assertThat(r.getLong(4)).as("no gap").isEqualTo(r.getLong(1) - 1);
        }
    }

    static GetRecordEvidenceResponse await(ManagedChannel channel, String key) throws InterruptedException {
        for (int i = 0; i < 500; i++) {
            try {
                return log(channel, Tokens.auditor()).getRecordEvidence(GetRecordEvidenceRequest.newBuilder()
                        .setRecordKey(key).build());
            } catch (StatusRuntimeException e) {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
                Thread.sleep(20);
            }
        }
        throw new AssertionError(key + " not provable within 10 s");
    }
}
