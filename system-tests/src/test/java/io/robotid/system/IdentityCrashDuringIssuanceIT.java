package io.robotid.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.robotid.proto.identity.v1.CertificateCheck;
import io.robotid.proto.identity.v1.Identity;
import io.robotid.proto.identity.v1.IdentityServiceGrpc;
import io.robotid.proto.identity.v1.IssueIdentitiesRequest;
import io.robotid.proto.identity.v1.IssueIdentitiesResponse;
import io.robotid.proto.identity.v1.Verdict;
import io.robotid.proto.identity.v1.VerifyIdentityRequest;
import io.robotid.system.support.Registrations;
import io.robotid.system.support.Registry;

/**
 * identity-service is killed (-9) in the middle of a batch issuance, and again while it streams a
 * committed batch; once it is back, the manufacturer's ERP sends the same request (same request
 * id). The batch then holds exactly the sequence range it had reserved, with no gap and no
 * duplicate; batches before and after it neither overlap it nor each other; the certificates
 * verify; and a replay gives the same IDs and certificates.
 */
class IdentityCrashDuringIssuanceIT {
    static final int LARGE = 100_000;
    static Registry registry;
    static Registrations maker;

    @BeforeAll
    static void start() {
        registry = new Registry().start("filing-service", "identity-service");
        maker = Registrations.accepted(registry, "Crash Issuance Robotics");
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    static IssueIdentitiesRequest request(int count) {
        return IssueIdentitiesRequest.newBuilder().setRequestId(UUID.randomUUID().toString())
                .setModelCode(maker.modelCode).setSiteCode(maker.siteCode).setProductionYear(26).setCount(count).build();
    }

    static List<Identity> issue(IssueIdentitiesRequest request) {
        List<Identity> out = new ArrayList<>();
        Registry.as(IdentityServiceGrpc.newBlockingStub(registry.channel("identity-service")), maker.manufacturerToken)
                .withDeadlineAfter(3, TimeUnit.MINUTES).issueIdentities(request)
                .forEachRemaining(chunk -> out.addAll(chunk.getIdentitiesList()));
        return out;
    }

    static Connection database() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/" + Registry.database("identity-service"),
                "postgres", "");
    }

    /** The batch's stored state, reserved range and stored rows; null while it has not been reserved. */
    record StoredBatch(String state, long firstSequence, int count, long rows) {
    }

    static StoredBatch stored(String requestId) throws SQLException {
        try (Connection c = database(); PreparedStatement q = c.prepareStatement("""
                select b.state, b.first_sequence, b.count,
                       (select count(*) from identity i where i.batch_request_id = b.request_id)
                from issuance_batch b where b.request_id = ?::uuid""")) {
            q.setString(1, requestId);
            try (ResultSet r = q.executeQuery()) {
                return r.next() ? new StoredBatch(r.getString(1), r.getLong(2), r.getInt(3), r.getLong(4)) : null;
            }
        }
    }

    @Test
    void aBatchCutByACrashIsCompletedByTheRetryWithTheSameReservedRange() throws Exception {
        List<Identity> before = issue(request(1_000));

        IssueIdentitiesRequest large = request(LARGE);
        CompletableFuture<List<Identity>> first = CompletableFuture.supplyAsync(() -> issue(large));
        // kill it as soon as the batch's range is reserved: its certificates are being signed or stored
        StoredBatch reserved = null;
        long deadline = System.currentTimeMillis() + 60_000;
        while (reserved == null && System.currentTimeMillis() < deadline) {
            reserved = stored(large.getRequestId());
            Thread.sleep(5);
        }
        assertThat(reserved).as("batch %s reserved", large.getRequestId()).isNotNull();
        registry.service("identity-service").kill();
        assertThat(first).failsWithin(30, TimeUnit.SECONDS);

        // all or nothing: the crash left the reservation and no identity of it (or, had it committed, all)
        StoredBatch afterCrash = stored(large.getRequestId());
        System.out.printf("identity-service killed with batch %s %s (%d of %d rows stored)%n", large.getRequestId(),
                afterCrash.state(), afterCrash.rows(), afterCrash.count());
        assertThat(afterCrash.rows()).isIn(0L, (long) LARGE);
        assertThat(afterCrash.state()).isEqualTo(afterCrash.rows() == 0 ? "RESERVED" : "COMPLETE");

        registry.startService("identity-service", false);
        List<Identity> retried = issue(large);
        List<Identity> after = issue(request(1_000));

        // the retry completed exactly the reserved range: no gap, no duplicate
        assertThat(retried).hasSize(LARGE);
        for (int i = 0; i < LARGE; i++) {
            assertThat(retried.get(i).getSequence()).isEqualTo(reserved.firstSequence() + i);
            assertThat(retried.get(i).getBatchRequestId()).isEqualTo(large.getRequestId());
        }
        assertThat(before.get(before.size() - 1).getSequence()).isLessThan(reserved.firstSequence());
        assertThat(after.get(0).getSequence()).isGreaterThan(retried.get(LARGE - 1).getSequence());
        Set<String> all = new HashSet<>();
        for (List<Identity> batch : List.of(before, retried, after)) {
            batch.forEach(identity -> assertThat(all.add(identity.getRobotId())).as("unique %s", identity.getRobotId()).isTrue());
        }
        assertThat(stored(large.getRequestId())).isEqualTo(new StoredBatch("COMPLETE", reserved.firstSequence(), LARGE, LARGE));
        try (Connection c = database(); ResultSet r = c.createStatement().executeQuery(
                "select count(*), count(distinct robot_id), count(distinct sequence) from identity where model_code = '"
                        + maker.modelCode + "'")) {
            r.next();
            assertThat(List.of(r.getLong(1), r.getLong(2), r.getLong(3))).containsOnly((long) all.size());
        }
        // the certificates were signed after the restart, with the key and issue time fixed at reservation
        var verifier = IdentityServiceGrpc.newBlockingStub(registry.channel("identity-service"))
                .withDeadlineAfter(2, TimeUnit.MINUTES);
        for (int i = 0; i < LARGE; i += LARGE / 100) {
            Identity identity = retried.get(i);
            var verdict = verifier.verifyIdentity(VerifyIdentityRequest.newBuilder().setRobotId(identity.getRobotId())
                    .setCertificate(identity.getCertificate().getText()).build());
            assertThat(verdict.getVerdict()).isEqualTo(Verdict.VERDICT_VALID);
            assertThat(verdict.getCertificate()).isEqualTo(CertificateCheck.CERTIFICATE_CHECK_GENUINE);
        }
        // and a further retry replays the very same identities and certificates
        assertThat(issue(large)).containsExactlyElementsOf(retried);
    }

    @Test
    void aCommittedBatchCutWhileStreamingIsReplayedIdentically() throws Exception {
        IssueIdentitiesRequest large = request(50_000);
        Iterator<IssueIdentitiesResponse> stream = Registry.as(IdentityServiceGrpc.newBlockingStub(
                registry.channel("identity-service")), maker.manufacturerToken).withDeadlineAfter(3, TimeUnit.MINUTES)
                .issueIdentities(large);
        // the ERP has read the first message of the stream when identity-service dies
        List<Identity> received = new ArrayList<>(stream.next().getIdentitiesList());
        registry.service("identity-service").kill();
        StatusRuntimeException cut = null;
        try {
            while (stream.hasNext()) {
                received.addAll(stream.next().getIdentitiesList());
            }
        } catch (StatusRuntimeException e) {
            cut = e;
        }
        registry.startService("identity-service", false);
        List<Identity> retried = issue(large);
        assertThat(retried).hasSize(50_000);
        assertThat(retried.subList(0, received.size())).containsExactlyElementsOf(received);
        assertThat(stored(large.getRequestId()).rows()).isEqualTo(50_000);
        System.out.printf("stream cut after %d of 50000 identities (%s); the retry replayed all of them%n",
                received.size(), cut == null ? "the stream had already been delivered" : cut.getStatus().getCode());
        if (cut != null) {
            assertThat(cut.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        }
    }
}
