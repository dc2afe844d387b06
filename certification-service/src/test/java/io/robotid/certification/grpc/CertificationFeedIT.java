package io.robotid.certification.grpc;

import io.robotid.testkit.Filings;
import static io.robotid.certification.support.Registry.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.robotid.certification.support.Registry;
import io.robotid.certification.support.RegistryProcesses;
import io.robotid.proto.certification.v1.*;
import io.robotid.testkit.Tokens;

/** WatchCertificationChanges: every certificate change in order, resumable from the last sequence. */
@QuarkusTest
@QuarkusTestResource(RegistryProcesses.class)
class CertificationFeedIT {
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

    /** Reads {@code count} changes after {@code from}, then hangs up. */
    static List<WatchCertificationChangesResponse> read(long from, int count) {
        List<WatchCertificationChangesResponse> out = new ArrayList<>();
        Context.CancellableContext call = Context.current().withCancellation();
        try {
            call.run(() -> {
                Iterator<WatchCertificationChangesResponse> stream = registry.as(Tokens.role("REGISTRY_SERVICE"))
                        .withDeadlineAfter(20, TimeUnit.SECONDS)
                        .watchCertificationChanges(WatchCertificationChangesRequest.newBuilder().setFromSequence(from).build());
                while (out.size() < count && stream.hasNext()) {
                    out.add(stream.next());
                }
            });
        } finally {
            call.cancel(null);
        }
        return out;
    }

    /** The last sequence in the feed now: read until 1.5 s pass without a change. */
    static long last() {
        return last(Tokens.auditor());
    }

    /**
     * {@link #last()} as {@code token}. Only the deadline that ends the read is expected; any
     * other failure (refused token, unavailable service) is rethrown, not taken for the feed's end.
     */
    static long last(String token) {
        long last = 0;
        try {
            Iterator<WatchCertificationChangesResponse> stream = registry.as(token)
                    .withDeadlineAfter(1500, TimeUnit.MILLISECONDS)
                    .watchCertificationChanges(WatchCertificationChangesRequest.getDefaultInstance());
            while (stream.hasNext()) {
                last = stream.next().getSequence();
            }
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() != Status.Code.DEADLINE_EXCEEDED) {
                throw e;
            }
            // the feed never ends; the deadline ends this read
        }
        return last;
    }

    @Test
    void aFailedReadOfTheFeedIsNotTakenForItsEnd() {
        assertThatThrownBy(() -> last(Tokens.forged("AUDITOR"))).isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
        assertThatThrownBy(() -> last(Tokens.role("OPERATOR"))).isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
        assertThat(last()).isNotNegative();
    }

    @Test
    void changesArriveInOrderAndAResumedFeedMissesAndRepeatsNothing() {
        long start = last();
        Certificate model = registry.as(body(body)).submitTestResult(pass(maker.modelCode(), Tier.TIER_MOBILITY)
                .setOutcome(Outcome.OUTCOME_PASS_WITH_CONDITIONS)
                .setConditions(conditions(1.0, 5, Environment.ENVIRONMENT_INDOOR_ONLY, false, "retail")).build())
                .getCertificate();
        registry.as(body(body)).submitTestResult(pass(maker.modelCode(), Tier.TIER_BASE_SAFETY)
                .setOutcome(Outcome.OUTCOME_FAIL).build()); // a FAIL changes no certificate
        registry.as(body(body)).suspendCertificate(SuspendCertificateRequest.newBuilder().setRequestId(requestId())
                .setCertificateId(model.getCertificateId()).setReason("check").build());

        List<WatchCertificationChangesResponse> first = read(start, 2);
        assertThat(first).extracting(WatchCertificationChangesResponse::getKind).containsExactly(
                ChangeKind.CHANGE_KIND_CERTIFICATE_ISSUED, ChangeKind.CHANGE_KIND_CERTIFICATE_SUSPENDED);
        Certificate issued = first.get(0).getCertificate();
        assertThat(issued).isEqualTo(model);
        assertThat(issued.getSubjectKind()).isEqualTo(SubjectKind.SUBJECT_KIND_MODEL);
        assertThat(issued.getConditions().getMaxSpeedMPerS()).isEqualTo(1.0);
        assertThat(first.get(1).getCertificate().getState()).isEqualTo(CertificateState.CERTIFICATE_STATE_SUSPENDED);

        registry.as(body(body)).revokeCertificate(RevokeCertificateRequest.newBuilder().setRequestId(requestId())
                .setCertificateId(model.getCertificateId()).setReason("final").build());
        List<WatchCertificationChangesResponse> resumed = read(first.get(0).getSequence(), 2);
        assertThat(resumed.get(0)).isEqualTo(first.get(1));
        assertThat(resumed.get(1).getKind()).isEqualTo(ChangeKind.CHANGE_KIND_CERTIFICATE_REVOKED);
        assertThat(resumed).extracting(WatchCertificationChangesResponse::getSequence).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void aLiveConsumerSeesANewCertificate() throws Exception {
        long start = last();
        List<WatchCertificationChangesResponse> seen = new ArrayList<>();
        Thread consumer = new Thread(() -> seen.addAll(read(start, 1)));
        consumer.start();
        Thread.sleep(300);
        Certificate c = registry.as(body(body)).submitTestResult(pass(maker.robots().get(0), Tier.TIER_BASE_SAFETY).build())
                .getCertificate();
        consumer.join(20_000);
        assertThat(seen).hasSize(1);
        assertThat(seen.get(0).getCertificate().getCertificateId()).isEqualTo(c.getCertificateId());
        assertThat(seen.get(0).getCertificate().getSubjectKind()).isEqualTo(SubjectKind.SUBJECT_KIND_UNIT);
    }
}
