package io.robotid.certification.client;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.grpc.Channel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.quarkus.grpc.GrpcClient;
import io.robotid.kit.grpc.ForwardedToken;
import io.robotid.proto.lifecycle.v1.LifecycleServiceGrpc;
import io.robotid.proto.lifecycle.v1.WatchStatusChangesRequest;
import io.robotid.kit.security.ServiceToken;
import io.robotid.proto.lifecycle.v1.WatchStatusChangesResponse;
import io.smallrye.mutiny.Uni;

/**
 * lifecycle-service's feed, read with this service's own token: OAuth2 client credentials of the
 * REGISTRY_SERVICE client (quarkus-oidc-client, {@code quarkus.oidc-client.*}). The token is
 * checked when a stream opens, so it is fetched (or refreshed when expired) per connection.
 *
 * <p>The stream is read with grpc-java's flow control: the next entry is requested only when the
 * previous one is handled, and cancelling the watch cancels the call at the server.
 */
@ApplicationScoped
public class LifecycleFeed {
    private static final Logger LOG = Logger.getLogger(LifecycleFeed.class);
    private final LifecycleServiceGrpc.LifecycleServiceStub lifecycle;
    private final ServiceToken token;

    public LifecycleFeed(@GrpcClient("lifecycle") Channel lifecycle, ServiceToken token) {
        this.lifecycle = LifecycleServiceGrpc.newStub(lifecycle);
        this.token = token;
    }

    /** A valid access token: the cached one, or a new one from the token endpoint. */
    public Uni<String> token() {
        return token.get();
    }

    /** Forgets the cached token (after lifecycle-service refused it). */
    public void forgetToken() {
        token.forget();
    }

    /** A running watch. */
    public interface Watch {
        /** Cancels the call at the server; {@code onEnd} is then not called. */
        void cancel();
    }

    /**
     * Every change after {@code fromSequence}, then live, one at a time: {@code handle} is called
     * with an entry, and the next is requested when its Uni completes. A failed handling ends the
     * watch; the watch also ends when the stream fails or completes ({@code onEnd} gets the
     * failure, or null).
     */
    public Watch watch(String accessToken, long fromSequence, Function<WatchStatusChangesResponse, Uni<?>> handle,
            Consumer<Throwable> onEnd) {
        AtomicReference<ClientCallStreamObserver<WatchStatusChangesRequest>> call = new AtomicReference<>();
        AtomicReference<Boolean> cancelled = new AtomicReference<>(false);
        ForwardedToken.attach(lifecycle, accessToken).watchStatusChanges(
                WatchStatusChangesRequest.newBuilder().setFromSequence(fromSequence).build(),
                new ClientResponseObserver<WatchStatusChangesRequest, WatchStatusChangesResponse>() {
                    @Override
                    public void beforeStart(ClientCallStreamObserver<WatchStatusChangesRequest> stream) {
                        call.set(stream);
                        stream.disableAutoRequestWithInitial(1);
                    }

                    @Override
                    public void onNext(WatchStatusChangesResponse entry) {
                        Uni.createFrom().deferred(() -> handle.apply(entry)).subscribe().with(
                                handled -> call.get().request(1),
                                failure -> {
                                    LOG.warnf(failure, "lifecycle feed entry %d could not be applied", entry.getFeedSequence());
                                    call.get().cancel("the feed entry could not be applied", failure);
                                });
                    }

                    @Override
                    public void onError(Throwable failure) {
                        if (!cancelled.get()) {
                            onEnd.accept(failure);
                        }
                    }

                    @Override
                    public void onCompleted() {
                        if (!cancelled.get()) {
                            onEnd.accept(null);
                        }
                    }
                });
        return () -> {
            cancelled.set(true);
            ClientCallStreamObserver<WatchStatusChangesRequest> stream = call.get();
            if (stream != null) {
                stream.cancel("follower stopped", null);
            }
        };
    }
}
