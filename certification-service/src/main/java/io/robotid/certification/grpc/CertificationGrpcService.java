package io.robotid.certification.grpc;

import java.time.Clock;
import java.util.function.Function;

import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;

import com.google.protobuf.Message;
import com.google.protobuf.Parser;

import io.quarkus.grpc.GrpcService;
import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.robotid.certification.domain.CertificateAction.Action;
import io.robotid.certification.service.BodyService;
import io.robotid.certification.service.CertificateService;
import io.robotid.certification.service.CertificationFeed;
import io.robotid.certification.service.CertificationProtos;
import io.robotid.certification.service.EffectiveService;
import io.robotid.certification.service.RecordVerification;
import io.robotid.certification.service.TestResultService;
import io.robotid.kit.audit.WriteContext;
import io.robotid.kit.error.DomainException;
import io.robotid.kit.idempotency.IdempotentWrites;
import io.robotid.kit.security.CallerIdentity;
import io.robotid.kit.security.Role;
import io.robotid.proto.certification.v1.*;
import io.grpc.ServerServiceDefinition;
import io.quarkus.arc.NoClassInterceptors;
import io.robotid.kit.grpc.FlowControl;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * The gRPC face of certification-service: proto in, domain call, proto out, errors mapped here,
 * outside the transaction. Roles are checked by annotation; organisation binding (a body acts for
 * its certification_body_id only) by the services.
 */
@GrpcService
@Authenticated
public class CertificationGrpcService extends MutinyCertificationServiceGrpc.CertificationServiceImplBase {
    private final BodyService bodies;
    private final TestResultService results;
    private final CertificateService certificates;
    private final EffectiveService effective;
    private final CertificationFeed feed;
    private final RecordVerification verification;
    private final IdempotentWrites writes;
    private final SecurityIdentity identity;
    private final Clock clock;

    @Inject
    public CertificationGrpcService(BodyService bodies, TestResultService results, CertificateService certificates,
            EffectiveService effective, CertificationFeed feed, RecordVerification verification, IdempotentWrites writes,
            SecurityIdentity identity, Clock clock) {
        this.bodies = bodies;
        this.results = results;
        this.certificates = certificates;
        this.effective = effective;
        this.feed = feed;
        this.verification = verification;
        this.writes = writes;
        this.identity = identity;
        this.clock = clock;
    }

    /**
     * As generated, but the certification feed is read only as fast as a follower takes it (the kit's
     * {@link FlowControl}): a follower that falls behind leaves its entries in the database, not in this service's
     * outbound buffers. Called once at start, with no caller: the class's security binding is for the RPCs.
     */
    @Override
    @NoClassInterceptors
    public ServerServiceDefinition bindService() {
        return FlowControl.serverStreaming(super.bindService(),
                CertificationServiceGrpc.getWatchCertificationChangesMethod(), this::watchCertificationChanges);
    }

    @Override
    @RolesAllowed(Role.Names.REGULATOR)
    public Uni<AccreditBodyResponse> accreditBody(AccreditBodyRequest request) {
        return write("AccreditBody", request.getRequestId(), request, AccreditBodyResponse.parser(),
                context -> bodies.accredit(context, CertificationMessages.accreditation(request))
                        .map(CertificationMessages::accredited));
    }

    @Override
    public Uni<GetBodyResponse> getBody(GetBodyRequest request) {
        return bodies.get(request.getBodyId()).map(CertificationMessages::body);
    }

    @Override
    @RolesAllowed(Role.Names.CERTIFICATION_BODY)
    public Uni<SubmitTestResultResponse> submitTestResult(SubmitTestResultRequest request) {
        // the idempotency step (in the service) stores this answer's bytes; a retry gets them back as they were
        return results.submit(WriteContext.of(caller(), request.getRequestId(), TestResultService.OPERATION, clock),
                token(), request, CertificationMessages::posted, SubmitTestResultResponse.parser(),
                CertificationMessages::submitted);
    }

    @Override
    public Uni<GetTestResultResponse> getTestResult(GetTestResultRequest request) {
        return results.get(caller(), request.getResultId()).map(CertificationMessages::testResult);
    }

    @Override
    @RolesAllowed({ Role.Names.REGULATOR, Role.Names.AUDITOR, Role.Names.MANUFACTURER, Role.Names.CERTIFICATION_BODY })
    public Uni<ListTestResultsResponse> listTestResults(ListTestResultsRequest request) {
        return results.list(caller(), CertificationMessages.query(request)).map(CertificationMessages::testResults);
    }

    @Override
    public Uni<GetCertificateResponse> getCertificate(GetCertificateRequest request) {
        return certificates.get(request.getCertificateId())
                .map(c -> GetCertificateResponse.newBuilder().setCertificate(c).build());
    }

    @Override
    public Uni<ListCertificatesResponse> listCertificates(ListCertificatesRequest request) {
        return certificates.list(CertificationMessages.query(request)).map(CertificationMessages::certificates);
    }

    @Override
    @RolesAllowed({ Role.Names.REGULATOR, Role.Names.CERTIFICATION_BODY })
    public Uni<SuspendCertificateResponse> suspendCertificate(SuspendCertificateRequest request) {
        return write("SuspendCertificate", request.getRequestId(), request, SuspendCertificateResponse.parser(),
                context -> certificates.change(context, Action.SUSPEND, request.getCertificateId(), request.getReason())
                        .map(c -> SuspendCertificateResponse.newBuilder().setCertificate(c).build()));
    }

    @Override
    @RolesAllowed({ Role.Names.REGULATOR, Role.Names.CERTIFICATION_BODY })
    public Uni<ReinstateCertificateResponse> reinstateCertificate(ReinstateCertificateRequest request) {
        return write("ReinstateCertificate", request.getRequestId(), request, ReinstateCertificateResponse.parser(),
                context -> certificates.change(context, Action.REINSTATE, request.getCertificateId(), request.getReason())
                        .map(c -> ReinstateCertificateResponse.newBuilder().setCertificate(c).build()));
    }

    @Override
    @RolesAllowed({ Role.Names.REGULATOR, Role.Names.CERTIFICATION_BODY })
    public Uni<RevokeCertificateResponse> revokeCertificate(RevokeCertificateRequest request) {
        return write("RevokeCertificate", request.getRequestId(), request, RevokeCertificateResponse.parser(),
                context -> certificates.change(context, Action.REVOKE, request.getCertificateId(), request.getReason())
                        .map(c -> RevokeCertificateResponse.newBuilder().setCertificate(c).build()));
    }

    @Override
    public Uni<GetEffectiveCertificationsResponse> getEffectiveCertifications(GetEffectiveCertificationsRequest request) {
        return effective.effective(token(), request.getRobotId(),
                request.hasAt() ? CertificationProtos.instant(request.getAt()) : null)
                .map(CertificationMessages::effective);
    }

    /**
     * Every change after {@code from_sequence}, in order, then new ones as they commit. The feed's
     * numbers follow commit order, so resuming from the last applied number loses nothing and
     * repeats nothing.
     */
    @Override
    @RolesAllowed({ Role.Names.REGISTRY_SERVICE, Role.Names.REGULATOR, Role.Names.AUDITOR })
    public Multi<WatchCertificationChangesResponse> watchCertificationChanges(WatchCertificationChangesRequest request) {
        return feed.changes(request.getFromSequence());
    }

    /** Public (no token): anyone may check that the stored records agree with their seals. */
    @Override
    @PermitAll
    public Uni<VerifyRecordsResponse> verifyRecords(VerifyRecordsRequest request) {
        return verification.verify(request.getSubject(), request.getBodyId()).map(report -> VerifyRecordsResponse
                .newBuilder().setIntact(report.intact()).setRecordsChecked(report.recordsChecked())
                .addAllDiscrepancies(report.discrepancies()).build());
    }

    private CallerIdentity caller() {
        return CallerIdentity.from(identity);
    }

    private String token() {
        return identity.getCredential(AccessTokenCredential.class).getToken();
    }

    /** A mutating call: idempotent by request_id and audited, in one transaction with the write. */
    private <R extends Message> Uni<R> write(String operation, String requestId, Message request, Parser<R> parser,
            Function<WriteContext, Uni<R>> work) {
        return Uni.createFrom().deferred(() -> {
            WriteContext context = WriteContext.of(caller(), requestId, operation, clock);
            return writes.execute(context, request, parser, () -> work.apply(context));
        });
    }

}
