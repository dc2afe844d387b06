package io.robotid.identity.client;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.grpc.GrpcClient;
import io.robotid.identity.ResolverConfig;
import io.robotid.kit.grpc.PeerCalls;
import io.robotid.proto.certification.v1.GetEffectiveCertificationsRequest;
import io.robotid.proto.certification.v1.GetEffectiveCertificationsResponse;
import io.robotid.proto.certification.v1.ListCertificatesRequest;
import io.robotid.proto.certification.v1.ListCertificatesResponse;
import io.robotid.proto.certification.v1.MutinyCertificationServiceGrpc;
import io.smallrye.mutiny.Uni;

/**
 * certification-service, for the public robot page: what the robot is certified for now (model-
 * and unit-level combined, tightest conditions); for its history report, every certificate of the
 * robot and of its model. With a deadline
 * ({@code robotid.resolver.certification-deadline}).
 */
@ApplicationScoped
public class CertificationGateway {
    private final MutinyCertificationServiceGrpc.MutinyCertificationServiceStub certification;
    private final Duration deadline;

    public CertificationGateway(
            @GrpcClient("certification") MutinyCertificationServiceGrpc.MutinyCertificationServiceStub certification,
            ResolverConfig config) {
        this.certification = certification;
        this.deadline = config.certificationDeadline();
    }

    /** One page of the certificates of exactly this subject (a robot ID or a model code), every state. */
    public Uni<ListCertificatesResponse> certificates(String token, String subject, String pageToken) {
        return PeerCalls.stub(certification, token, deadline)
                .listCertificates(ListCertificatesRequest.newBuilder().setSubject(subject).setPageSize(500)
                        .setPageToken(pageToken).build());
    }

    public Uni<GetEffectiveCertificationsResponse> effective(String token, String robotId) {
        return PeerCalls.stub(certification, token, deadline)
                .getEffectiveCertifications(GetEffectiveCertificationsRequest.newBuilder().setRobotId(robotId).build());
    }
}
