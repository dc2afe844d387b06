package io.robotid.geofence.client;

import jakarta.enterprise.context.ApplicationScoped;

import io.grpc.Channel;
import io.grpc.stub.ClientResponseObserver;
import io.quarkus.grpc.GrpcClient;
import io.robotid.kit.grpc.ForwardedToken;
import io.robotid.proto.certification.v1.CertificationServiceGrpc;
import io.robotid.proto.certification.v1.WatchCertificationChangesRequest;
import io.robotid.proto.certification.v1.WatchCertificationChangesResponse;
import io.robotid.proto.lifecycle.v1.LifecycleServiceGrpc;
import io.robotid.proto.lifecycle.v1.WatchStatusChangesRequest;
import io.robotid.proto.lifecycle.v1.WatchStatusChangesResponse;

/** The two feeds this service follows, opened with grpc-java so that the follower controls flow. */
@ApplicationScoped
public class Feeds {
    private final LifecycleServiceGrpc.LifecycleServiceStub lifecycle;
    private final CertificationServiceGrpc.CertificationServiceStub certification;

    public Feeds(@GrpcClient("lifecycle") Channel lifecycle, @GrpcClient("certification") Channel certification) {
        this.lifecycle = LifecycleServiceGrpc.newStub(lifecycle);
        this.certification = CertificationServiceGrpc.newStub(certification);
    }

    public void lifecycle(String token, long from, ClientResponseObserver<WatchStatusChangesRequest, WatchStatusChangesResponse> observer) {
        ForwardedToken.attach(lifecycle, token).watchStatusChanges(
                WatchStatusChangesRequest.newBuilder().setFromSequence(from).build(), observer);
    }

    public void certification(String token, long from,
            ClientResponseObserver<WatchCertificationChangesRequest, WatchCertificationChangesResponse> observer) {
        ForwardedToken.attach(certification, token).watchCertificationChanges(
                WatchCertificationChangesRequest.newBuilder().setFromSequence(from).build(), observer);
    }
}
