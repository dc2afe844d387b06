package io.robotid.certification.grpc;

import io.robotid.testkit.Filings;
import static io.robotid.certification.support.Registry.*;
import static io.robotid.testkit.GrpcAssertions.invalid;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.grpc.Context;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.robotid.certification.support.Registry;
import io.robotid.certification.support.RegistryProcesses;
import io.robotid.proto.certification.v1.*;
import io.robotid.testkit.Tokens;

/**
 * VerifyRecords as anyone calls it: without a token, for a model, a robot in any accepted form or a body;
 * bad input names its field; what was never stored verifies with nothing checked. The hashes the answers
 * carry are those of the records (RecordTamperingIT changes the stored rows).
 */
@QuarkusTest
@QuarkusTestResource(RegistryProcesses.class)
class VerifyRecordsIT {
    static Registry registry;
    static Filings.Maker maker;
    static String body;

    @BeforeAll
    static void setUp() {
        registry = new Registry();
        maker = registry.maker(1);
        body = registry.accredit(Tier.TIER_BASE_SAFETY, Tier.TIER_MOBILITY);
    }

    @AfterAll
    static void tearDown() throws InterruptedException {
        registry.close();
    }

    static VerifyRecordsResponse verify(VerifyRecordsRequest.Builder request) {
        return registry.anonymous().verifyRecords(request.build());
    }

    @Test
    void anyoneVerifiesASubjectsRecordsWithoutAToken() {
        Filings.Maker own = registry.maker(1);
        String robot = own.robots().get(0);
        Certificate model = registry.as(body(body)).submitTestResult(pass(own.modelCode(), Tier.TIER_MOBILITY).build())
                .getCertificate();
        registry.as(body(body)).submitTestResult(pass(robot, Tier.TIER_BASE_SAFETY).build());
        registry.as(Tokens.regulator()).suspendCertificate(SuspendCertificateRequest.newBuilder().setRequestId(requestId())
                .setCertificateId(model.getCertificateId()).setReason("check").build());

        VerifyRecordsResponse byModel = verify(VerifyRecordsRequest.newBuilder().setSubject(own.modelCode()));
        assertThat(byModel.getDiscrepanciesList()).isEmpty();
        assertThat(byModel.getIntact()).isTrue();
        // the result, its certificate, the suspension, two feed entries
        assertThat(byModel.getRecordsChecked()).isEqualTo(5);
        for (String form : List.of(robot, robot.toLowerCase(), " " + robot + " ")) {
            VerifyRecordsResponse byRobot = verify(VerifyRecordsRequest.newBuilder().setSubject(form));
            assertThat(byRobot.getIntact()).as(form).isTrue();
            assertThat(byRobot.getRecordsChecked()).as(form).isEqualTo(3);
        }
        // a token is not needed, and not in the way
        assertThat(registry.as(Tokens.role("OPERATOR")).verifyRecords(VerifyRecordsRequest.newBuilder()
                .setBodyId(body).build()).getRecordsChecked()).isEqualTo(1);
    }

    @Test
    void answersCarryTheRecordsHashesAndTheChainsHead() throws Exception {
        SubmitTestResultResponse submitted = registry.as(body(body)).submitTestResult(
                pass(maker.modelCode(), Tier.TIER_BASE_SAFETY).build());
        Certificate issued = submitted.getCertificate();
        assertThat(submitted.getResult().getRecordSha256()).hasSize(64);
        assertThat(issued.getRecordSha256()).hasSize(64).isNotEqualTo(submitted.getResult().getRecordSha256());
        assertThat(issued.getHeadSha256()).isEqualTo(issued.getRecordSha256());

        Certificate suspended = registry.as(body(body)).suspendCertificate(SuspendCertificateRequest.newBuilder()
                .setRequestId(requestId()).setCertificateId(issued.getCertificateId()).setReason("audit").build())
                .getCertificate();
        assertThat(suspended.getRecordSha256()).isEqualTo(issued.getRecordSha256());
        assertThat(suspended.getHeadSha256()).hasSize(64).isNotEqualTo(issued.getHeadSha256());
        assertThat(registry.as(Tokens.auditor()).getCertificate(GetCertificateRequest.newBuilder()
                .setCertificateId(issued.getCertificateId()).build()).getCertificate()).isEqualTo(suspended);
        assertThat(registry.as(Tokens.auditor()).getTestResult(GetTestResultRequest.newBuilder()
                .setResultId(submitted.getResult().getResultId()).build()).getResult()).isEqualTo(submitted.getResult());

        // the feed's entries are sealed over their number, kind, certificate, robot, time and body
        WatchCertificationChangesResponse entry = entryWithHead(suspended.getHeadSha256());
        assertThat(entry.getKind()).isEqualTo(ChangeKind.CHANGE_KIND_CERTIFICATE_SUSPENDED);
        assertThat(entry.getEntryHash()).isEqualTo(feedSeal(entry));
    }

    /** The feed entry whose certificate has this head, read as a registry service reads the feed. */
    static WatchCertificationChangesResponse entryWithHead(String head) throws Exception {
        Context.CancellableContext call = Context.current().withCancellation();
        try {
            return call.call(() -> {
                var stream = registry.as(Tokens.role("REGISTRY_SERVICE")).withDeadlineAfter(20, TimeUnit.SECONDS)
                        .watchCertificationChanges(WatchCertificationChangesRequest.getDefaultInstance());
                while (stream.hasNext()) {
                    WatchCertificationChangesResponse next = stream.next();
                    if (next.getCertificate().getHeadSha256().equals(head)) {
                        return next;
                    }
                }
                throw new AssertionError("no feed entry with head " + head);
            });
        } finally {
            call.cancel(null);
        }
    }

    /** EVIDENCE.md 6.6, written here from the document, not with the service's code. */
    static String feedSeal(WatchCertificationChangesResponse entry) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write("robotid-certification-feed-v1\n".getBytes(StandardCharsets.UTF_8));
        field(out, ByteBuffer.allocate(8).putLong(entry.getSequence()).array());
        field(out, entry.getKind().name().getBytes(StandardCharsets.UTF_8));
        field(out, entry.getCertificate().getCertificateId().getBytes(StandardCharsets.UTF_8));
        String robot = entry.getCertificate().getSubject().length() == 29 ? entry.getCertificate().getSubject() : "";
        field(out, robot.getBytes(StandardCharsets.UTF_8));
        long micros = entry.getChangedAt().getSeconds() * 1_000_000L + entry.getChangedAt().getNanos() / 1000;
        field(out, ByteBuffer.allocate(8).putLong(micros).array());
        field(out, entry.toBuilder().clearSequence().clearEntryHash().build().toByteArray());
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(out.toByteArray()));
    }

    static void field(ByteArrayOutputStream out, byte[] content) throws IOException {
        out.write(ByteBuffer.allocate(4).putInt(content.length).array());
        out.write(content);
    }

    @Test
    void badInputNamesItsField() {
        var anyone = registry.anonymous();
        invalid(() -> anyone.verifyRecords(VerifyRecordsRequest.getDefaultInstance()), "subject");
        invalid(() -> anyone.verifyRecords(VerifyRecordsRequest.newBuilder().setSubject("   ").build()), "subject");
        invalid(() -> anyone.verifyRecords(VerifyRecordsRequest.newBuilder().setSubject(maker.modelCode())
                .setBodyId(body).build()), "body_id");
        invalid(() -> anyone.verifyRecords(VerifyRecordsRequest.newBuilder().setSubject("nope").build()), "subject");
        invalid(() -> anyone.verifyRecords(VerifyRecordsRequest.newBuilder().setSubject("OOOOOO").build()), "subject");
        invalid(() -> anyone.verifyRecords(VerifyRecordsRequest.newBuilder()
                .setSubject(maker.robots().get(0).substring(0, 28) + "*").build()), "subject");
        invalid(() -> anyone.verifyRecords(VerifyRecordsRequest.newBuilder().setSubject("x".repeat(100_000)).build()),
                "subject");
        invalid(() -> anyone.verifyRecords(VerifyRecordsRequest.newBuilder().setBodyId("has space").build()), "body_id");
        invalid(() -> anyone.verifyRecords(VerifyRecordsRequest.newBuilder().setBodyId("-x").build()), "body_id");
    }

    @Test
    void whatWasNeverStoredVerifiesWithNothingChecked() {
        Filings.Maker quiet = registry.maker(1);
        for (VerifyRecordsRequest.Builder request : List.of(
                VerifyRecordsRequest.newBuilder().setSubject(quiet.modelCode()),
                VerifyRecordsRequest.newBuilder().setSubject(quiet.robots().get(0)),
                // well-formed, never issued
                VerifyRecordsRequest.newBuilder().setSubject("CNA1B2C3D4E526BJ000000000001G"),
                VerifyRecordsRequest.newBuilder().setBodyId("CB-NEVER-ACCREDITED"))) {
            VerifyRecordsResponse answer = verify(request);
            assertThat(answer.getIntact()).as(request.toString()).isTrue();
            assertThat(answer.getRecordsChecked()).as(request.toString()).isZero();
            assertThat(answer.getDiscrepanciesList()).isEmpty();
        }
    }
}
