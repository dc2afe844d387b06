package io.robotid.identity.client;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.grpc.GrpcClient;
import io.robotid.identity.IdentityConfig;
import io.robotid.identity.ResolverConfig;
import io.robotid.kit.grpc.PeerCalls;
import io.robotid.proto.tlog.v1.GetRecordEvidenceRequest;
import io.robotid.proto.tlog.v1.GetRecordEvidenceResponse;
import io.robotid.proto.tlog.v1.MutinyTransparencyLogServiceGrpc;
import io.smallrye.mutiny.Uni;

/**
 * The transparency logs of filing-, lifecycle- and certification-service (robotid.tlog.v1), for a
 * robot's history report: a record's evidence by its log key, on the same channels as the services'
 * other clients, each call with its service's deadline.
 */
@ApplicationScoped
public class TlogGateway {
    /** The peers whose logs a history report draws on. */
    public enum Peer { FILING, LIFECYCLE, CERTIFICATION }

    private final MutinyTransparencyLogServiceGrpc.MutinyTransparencyLogServiceStub lifecycle;
    private final MutinyTransparencyLogServiceGrpc.MutinyTransparencyLogServiceStub certification;
    private final MutinyTransparencyLogServiceGrpc.MutinyTransparencyLogServiceStub filing;
    private final Duration filingDeadline;
    private final Duration lifecycleDeadline;
    private final Duration certificationDeadline;

    public TlogGateway(
            @GrpcClient("lifecycle") MutinyTransparencyLogServiceGrpc.MutinyTransparencyLogServiceStub lifecycle,
            @GrpcClient("certification") MutinyTransparencyLogServiceGrpc.MutinyTransparencyLogServiceStub certification,
            ResolverConfig resolver,
            @GrpcClient("filing") MutinyTransparencyLogServiceGrpc.MutinyTransparencyLogServiceStub filing,
            IdentityConfig config) {
        this.filing = filing;
        this.filingDeadline = config.filingDeadline();
        this.lifecycle = lifecycle;
        this.certification = certification;
        this.lifecycleDeadline = resolver.lifecycleDeadline();
        this.certificationDeadline = resolver.certificationDeadline();
    }

    public Uni<GetRecordEvidenceResponse> evidence(Peer peer, String token, String recordKey) {
        var stub = switch (peer) {
            case FILING -> filing;
            case LIFECYCLE -> lifecycle;
            case CERTIFICATION -> certification;
        };
        Duration deadline = switch (peer) {
            case FILING -> filingDeadline;
            case LIFECYCLE -> lifecycleDeadline;
            case CERTIFICATION -> certificationDeadline;
        };
        return PeerCalls.stub(stub, token, deadline)
                .getRecordEvidence(GetRecordEvidenceRequest.newBuilder().setRecordKey(recordKey).build());
    }
}
