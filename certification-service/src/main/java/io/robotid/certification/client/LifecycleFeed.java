package io.robotid.certification.client;

import jakarta.enterprise.context.ApplicationScoped;

import io.grpc.Channel;
import io.grpc.stub.ClientResponseObserver;
import io.quarkus.grpc.GrpcClient;
import io.robotid.kit.grpc.ForwardedToken;
import io.robotid.proto.lifecycle.v1.LifecycleServiceGrpc;
import io.robotid.proto.lifecycle.v1.WatchStatusChangesRequest;
import io.robotid.proto.lifecycle.v1.WatchStatusChangesResponse;

/**
 * lifecycle-service's feed, read with this service's own token: OAuth2 client credentials of the
 * REGISTRY_SERVICE client (quarkus-oidc-client, {@code quarkus.oidc-client.*}). The token is
 * checked when a stream opens, so it is fetched (or refreshed when expired) per connection.
 *
 * <p>The stream is read with grpc-java's flow control, by the kit's FeedFollower.
 */
@ApplicationScoped
public class LifecycleFeed {
    private final LifecycleServiceGrpc.LifecycleServiceStub lifecycle;

    public LifecycleFeed(@GrpcClient("lifecycle") Channel lifecycle) {
        this.lifecycle = LifecycleServiceGrpc.newStub(lifecycle);
    }

    /** Opens the feed after {@code fromSequence} with {@code accessToken}; the observer does the flow control. */
    public void open(String accessToken, long fromSequence,
            ClientResponseObserver<WatchStatusChangesRequest, WatchStatusChangesResponse> observer) {
        ForwardedToken.attach(lifecycle, accessToken).watchStatusChanges(
                WatchStatusChangesRequest.newBuilder().setFromSequence(fromSequence).build(), observer);
    }
}
