package io.robotid.identity.grpc;

import io.robotid.testkit.Filings;
import static io.robotid.testkit.GrpcAssertions.invalid;
import static io.robotid.testkit.GrpcAssertions.reason;
import static io.robotid.testkit.GrpcAssertions.refused;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.robotid.identity.support.Clients;
import io.robotid.identity.support.FilingServiceProcess;
import io.robotid.kit.id.Mod3736;
import io.robotid.kit.id.RobotId;
import io.robotid.proto.identity.v1.*;
import io.robotid.testkit.Tokens;

/** IssueIdentities against a real filing-service process and the real database. */
@QuarkusTest
@QuarkusTestResource(FilingServiceProcess.class)
class IssueIdentitiesIT {

    static Clients clients;
    static Filings.Maker maker;

    @BeforeAll
    static void setUp() {
        clients = new Clients();
        maker = clients.fileMaker();
    }

    @AfterAll
    static void tearDown() throws InterruptedException {
        clients.close();
    }

    static List<Identity> issue(Filings.Maker who, IssueIdentitiesRequest request) {
        return issueWith(clients, who, request);
    }

    static List<Identity> issueWith(Clients clients, Filings.Maker who, IssueIdentitiesRequest request) {
        List<Identity> out = new ArrayList<>();
        Iterator<IssueIdentitiesResponse> stream = clients.identity(who.token()).issueIdentities(request);
        stream.forEachRemaining(chunk -> out.addAll(chunk.getIdentitiesList()));
        return out;
    }

    /**
     * Every issued ID and its certificate is committed to identity-service's transparency log in the
     * transaction that stores it (EVIDENCE.md section 11): each one's evidence verifies under the log's
     * checkpoint, against the hash of the certificate as issued.
     */
    @Test
    void everyIssuedIdAndCertificateIsInTheLog() throws Exception {
        List<Identity> batch = issue(maker, Clients.issue(maker, 3).build());
        var info = clients.log(null).getLogInfo(io.robotid.proto.tlog.v1.GetLogInfoRequest.getDefaultInstance());
        io.robotid.evidence.tlog.WitnessPolicy logOnly = io.robotid.evidence.tlog.WitnessPolicy.parse("log " + info.getVkey()
                + "\nquorum none\n");
        for (Identity identity : batch) {
            var request = io.robotid.proto.tlog.v1.GetRecordEvidenceRequest.newBuilder()
                    .setRecordKey("identity/" + identity.getRobotId()).build();
            io.robotid.proto.tlog.v1.GetRecordEvidenceResponse evidence = null;
            for (int i = 0; i < 200 && evidence == null; i++) {
                try {
                    evidence = clients.log(Tokens.regulator()).getRecordEvidence(request);
                } catch (io.grpc.StatusRuntimeException e) {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
                    Thread.sleep(25);
                }
            }
            assertThat(evidence).as("evidence of " + identity.getRobotId()).isNotNull();
            IdentityCertificate c = identity.getCertificate();
            byte[] hash = io.robotid.evidence.format.IdentityCertificates.logHash(identity.getRobotId(),
                    identity.getManufacturerCode(), identity.getModelCode(),
                    java.time.Instant.ofEpochSecond(c.getIssuedAt().getSeconds(), c.getIssuedAt().getNanos()),
                    c.getSignature().toByteArray());
            io.robotid.evidence.tlog.RecordProofs.verify(logOnly, evidence.getTlogProof(), "identity",
                    evidence.getSalt().toByteArray(), hash);
        }
        // without a token, a record's evidence is refused; the log's description is public
        assertThatThrownBy(() -> clients.log(null).getRecordEvidence(io.robotid.proto.tlog.v1.GetRecordEvidenceRequest
                .newBuilder().setRecordKey("identity/" + batch.get(0).getRobotId()).build()))
                .extracting(t -> ((io.grpc.StatusRuntimeException) t).getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(info.getOrigin()).isEqualTo("robotid.local/identity-service");
    }

    @Test
    void issuesWellFormedUniqueIdsThatVerifyWithGenuineCertificates() {
        List<Identity> batch = issue(maker, Clients.issue(maker, 1500).build());

        assertThat(batch).hasSize(1500);
        assertThat(batch).extracting(Identity::getRobotId).doesNotHaveDuplicates()
                .allMatch(id -> id.length() == 29 && Mod3736.isValid(id));
        Identity first = batch.get(0);
        RobotId parsed = RobotId.of(first.getRobotId());
        assertThat(parsed.origin()).isEqualTo("CN");
        assertThat(parsed.manufacturerCode()).isEqualTo(maker.code());
        assertThat(parsed.modelCode()).isEqualTo(maker.modelCode());
        assertThat(parsed.siteCode()).isEqualTo(maker.siteCode());
        assertThat(parsed.productionYear()).isEqualTo(26);
        for (int i = 0; i < batch.size(); i++) {
            assertThat(batch.get(i).getSequence()).isEqualTo(batch.get(0).getSequence() + i);
        }

        for (Identity identity : List.of(first, batch.get(777), batch.get(1499))) {
            VerifyIdentityResponse verified = clients.identityAnonymous().verifyIdentity(VerifyIdentityRequest
                    .newBuilder().setRobotId(identity.getDisplayForm().toLowerCase())
                    .setCertificate(identity.getCertificate().getText()).build());
            assertThat(verified.getVerdict()).isEqualTo(Verdict.VERDICT_VALID);
            assertThat(verified.getCertificate()).isEqualTo(CertificateCheck.CERTIFICATE_CHECK_GENUINE);
            assertThat(verified.getCanonicalId()).isEqualTo(identity.getRobotId());
        }
        assertThat(clients.identity(Tokens.auditor()).getIdentity(GetIdentityRequest.newBuilder()
                .setRobotId(first.getRobotId()).build()).getIdentity()).isEqualTo(first);
    }

    @Test
    void sequencesStartAtOneAndContinueAcrossBatches() {
        Filings.Maker fresh = clients.fileMaker();
        List<Identity> first = issue(fresh, Clients.issue(fresh, 3).build());
        List<Identity> second = issue(fresh, Clients.issue(fresh, 2).build());
        assertThat(first).extracting(Identity::getSequence).containsExactly(1L, 2L, 3L);
        assertThat(second).extracting(Identity::getSequence).containsExactly(4L, 5L);
        assertThat(first.get(0).getRobotId()).endsWith("000000000001" + first.get(0).getRobotId().charAt(28));
        // Another year starts its own sequence.
        List<Identity> nextYear = issue(fresh, Clients.issue(fresh, 1).setProductionYear(27).build());
        assertThat(nextYear.get(0).getSequence()).isEqualTo(1L);
    }

    @Test
    void hardwareSerialsAreKeptPerUnit() {
        List<Identity> batch = issue(maker, Clients.issue(maker, 2).addHardwareSerials("SN-A").addHardwareSerials("SN-B")
                .build());
        assertThat(batch).extracting(Identity::getHardwareSerial).containsExactly("SN-A", "SN-B");
        invalid(() -> issue(maker, Clients.issue(maker, 2).addHardwareSerials("SN-A").build()), "hardware_serials");
        invalid(() -> issue(maker, Clients.issue(maker, 2).addHardwareSerials("SN-A").addHardwareSerials("SN-A")
                .build()), "hardware_serials[1]");
    }

    @Test
    void parallelBatchesForOneModelNeverCollideAndEachIsOneUnbrokenRange() throws Exception {
        Filings.Maker shared = clients.fileMaker();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<List<Identity>>> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                calls.add(() -> issue(shared, Clients.issue(shared, 250).build()));
            }
            Set<String> all = new HashSet<>();
            Set<Long> sequences = new HashSet<>();
            for (Future<List<Identity>> f : pool.invokeAll(calls)) {
                List<Identity> batch = f.get();
                assertThat(batch).hasSize(250);
                for (int i = 0; i < batch.size(); i++) {
                    assertThat(batch.get(i).getSequence()).isEqualTo(batch.get(0).getSequence() + i);
                    all.add(batch.get(i).getRobotId());
                    sequences.add(batch.get(i).getSequence());
                }
            }
            assertThat(all).hasSize(2000);
            assertThat(sequences).containsExactlyInAnyOrderElementsOf(
                    java.util.stream.LongStream.rangeClosed(1, 2000).boxed().toList());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aRetryReturnsExactlyTheSameIdsAndCertificates() {
        IssueIdentitiesRequest request = Clients.issue(maker, 1200).build();
        List<Identity> first = issue(maker, request);
        List<Identity> retry = issue(maker, request);
        assertThat(retry).isEqualTo(first);

        var reused = refused(() -> issue(maker, request.toBuilder().setCount(5).build()), Status.Code.INVALID_ARGUMENT);
        assertThat(reason(reused)).isEqualTo("REQUEST_ID_REUSED");
    }

    /**
     * Through the kit's flow-controlled binding (a chunk made when the call can send it; the bound itself is tested
     * in the kit's FlowControlTest): a manufacturer that reads one chunk at a time, pausing between them, gets every
     * chunk, in order, as one unbroken range, and the same batch on a retry.
     */
    @Test
    void aManufacturerThatReadsSlowlyGetsEveryChunkInOrder() throws Exception {
        Filings.Maker fresh = clients.fileMaker();
        IssueIdentitiesRequest request = Clients.issue(fresh, 5_000).build();
        List<IssueIdentitiesResponse> chunks = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
        clients.identityAsync(fresh.token()).issueIdentities(request,
                new io.grpc.stub.ClientResponseObserver<IssueIdentitiesRequest, IssueIdentitiesResponse>() {
                    io.grpc.stub.ClientCallStreamObserver<IssueIdentitiesRequest> call;

                    @Override
                    public void beforeStart(io.grpc.stub.ClientCallStreamObserver<IssueIdentitiesRequest> stream) {
                        call = stream;
                        stream.disableAutoRequestWithInitial(1);
                    }

                    @Override
                    public void onNext(IssueIdentitiesResponse chunk) {
                        chunks.add(chunk);
                        // the next chunk asked for a while later, from another thread, as a slow reader does
                        java.util.concurrent.CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS)
                                .execute(() -> call.request(1));
                    }

                    @Override
                    public void onError(Throwable failure) {
                        done.completeExceptionally(failure);
                    }

                    @Override
                    public void onCompleted() {
                        done.complete(null);
                    }
                });
        done.get(120, TimeUnit.SECONDS);
        assertThat(chunks).hasSize(5);
        List<Identity> read = chunks.stream().flatMap(chunk -> chunk.getIdentitiesList().stream()).toList();
        assertThat(read).extracting(Identity::getSequence)
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 5_000).boxed().toList());
        assertThat(chunks).allSatisfy(chunk -> {
            assertThat(chunk.getBatchCount()).isEqualTo(5_000);
            assertThat(chunk.getFirstSequence()).isEqualTo(1);
            assertThat(chunk.getLastSequence()).isEqualTo(5_000);
        });
        assertThat(issue(fresh, request)).isEqualTo(read);
    }

    @Test
    void aRetryAfterTheFirstAttemptWasCutOffCompletesTheSameBatch() throws Exception {
        Filings.Maker fresh = clients.fileMaker();
        IssueIdentitiesRequest request = Clients.issue(fresh, 6000).build();
        // The client gives up long before the server has signed 6000 certificates.
        StatusRuntimeException cut = org.assertj.core.api.Assertions.catchThrowableOfType(StatusRuntimeException.class,
                () -> clients.identity(fresh.token()).withDeadlineAfter(300, TimeUnit.MILLISECONDS)
                        .issueIdentities(request).forEachRemaining(chunk -> { }));
        assertThat(cut.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);

        List<Identity> retry = issue(fresh, request);
        assertThat(retry).hasSize(6000);
        assertThat(retry.get(0).getSequence()).isEqualTo(1);
        assertThat(retry.get(5999).getSequence()).isEqualTo(6000);
        assertThat(issue(fresh, request)).isEqualTo(retry);
        // The next batch continues after the cut-off one: its range was never handed out twice.
        assertThat(issue(fresh, Clients.issue(fresh, 1).build()).get(0).getSequence()).isEqualTo(6001);
    }

    @Test
    void wrongCallersAreRefusedAndNothingIsIssued() {
        Filings.Maker victim = clients.fileMaker();
        Filings.Maker rival = clients.fileMaker();

        refused(() -> clients.identityAnonymous().issueIdentities(Clients.issue(victim, 1).build()).hasNext(),
                Status.Code.UNAUTHENTICATED);
        var wrongRole = refused(() -> clients.identity(Tokens.regulator()).issueIdentities(Clients.issue(victim, 1)
                .build()).hasNext(), Status.Code.PERMISSION_DENIED);
        assertThat(reason(wrongRole)).isEqualTo("ROLE_NOT_ALLOWED");
        // B issuing for A's model (at B's own site code).
        var othersModel = refused(() -> issue(rival, Clients.issue(victim, 1).setSiteCode(rival.siteCode()).build()),
                Status.Code.PERMISSION_DENIED);
        assertThat(reason(othersModel)).isEqualTo("NOT_CALLERS_MANUFACTURER");
        // B's own model at a site B never filed.
        refused(() -> issue(rival, Clients.issue(rival, 1).setSiteCode("0Z").build()), Status.Code.NOT_FOUND);
        // A manufacturer token without its manufacturer_code claim.
        refused(() -> clients.identity(Tokens.role("MANUFACTURER")).issueIdentities(Clients.issue(victim, 1).build())
                .hasNext(), Status.Code.PERMISSION_DENIED);

        assertThat(countIssued(victim)).isZero();
        assertThat(countIssued(rival)).isZero();
    }

    @Test
    void badInputNamesTheField() {
        invalid(() -> issue(maker, Clients.issue(maker, 0).build()), "count");
        invalid(() -> issue(maker, Clients.issue(maker, 100_001).build()), "count");
        invalid(() -> issue(maker, Clients.issue(maker, 1).setProductionYear(100).build()), "production_year");
        invalid(() -> issue(maker, Clients.issue(maker, 1).setProductionYear(-1).build()), "production_year");
        invalid(() -> issue(maker, Clients.issue(maker, 1).setModelCode("ABC").build()), "model_code");
        invalid(() -> issue(maker, Clients.issue(maker, 1).setModelCode("OOOOOO").build()), "model_code");
        invalid(() -> issue(maker, Clients.issue(maker, 1).setSiteCode("").build()), "site_code");
        invalid(() -> issue(maker, Clients.issue(maker, 1).setRequestId("again").build()), "request_id");
        refused(() -> issue(maker, Clients.issue(maker, 1).setModelCode("ZZZZZZ").build()), Status.Code.NOT_FOUND);
        refused(() -> issue(maker, Clients.issue(maker, 1).setSiteCode("ZZ").build()), Status.Code.NOT_FOUND);
    }

    @Test
    void aWithdrawnModelGetsNoNewIds() {
        Filings.Maker retiring = clients.fileMaker();
        issue(retiring, Clients.issue(retiring, 1).build());
        clients.withdraw(retiring);
        var e = refused(() -> issue(retiring, Clients.issue(retiring, 1).build()), Status.Code.FAILED_PRECONDITION);
        assertThat(reason(e)).isEqualTo("MODEL_WITHDRAWN");
        assertThat(countIssued(retiring)).isEqualTo(1);
    }

    @Test
    void listPagesThroughAModelsIdsInOrder() {
        Filings.Maker listed = clients.fileMaker();
        List<String> issued = issue(listed, Clients.issue(listed, 7).build()).stream().map(Identity::getRobotId).toList();
        List<String> paged = new ArrayList<>();
        String token = "";
        do {
            ListIdentitiesResponse page = clients.identity(Tokens.auditor()).listIdentities(ListIdentitiesRequest
                    .newBuilder().setModelCode(listed.modelCode()).setPageSize(3).setPageToken(token).build());
            page.getIdentitiesList().forEach(i -> paged.add(i.getRobotId()));
            token = page.getNextPageToken();
        } while (!token.isEmpty());
        assertThat(paged).containsExactlyElementsOf(issued);
        invalid(() -> clients.identity(Tokens.auditor()).listIdentities(ListIdentitiesRequest.newBuilder()
                .setModelCode("bad").build()), "model_code");
        refused(() -> clients.identityAnonymous().listIdentities(ListIdentitiesRequest.newBuilder()
                .setModelCode(listed.modelCode()).build()), Status.Code.UNAUTHENTICATED);
    }

    static int countIssued(Filings.Maker who) {
        return clients.identity(Tokens.auditor()).listIdentities(ListIdentitiesRequest.newBuilder()
                .setModelCode(who.modelCode()).setPageSize(500).build()).getIdentitiesCount();
    }
}
