package io.robotid.kit.feed;

import java.time.Duration;
import java.time.Instant;

import io.grpc.Channel;
import io.grpc.stub.ClientResponseObserver;
import io.robotid.kit.grpc.ForwardedToken;
import io.robotid.kit.security.ServiceToken;
import io.robotid.proto.lifecycle.v1.LifecycleServiceGrpc;
import io.robotid.proto.lifecycle.v1.WatchStatusChangesRequest;
import io.robotid.proto.lifecycle.v1.WatchStatusChangesResponse;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * A follower of lifecycle-service's feed (WatchStatusChanges) whose effects are rows in its own database:
 * identity's retirements, certification's re-validation marks. The feed is opened with the service's own
 * REGISTRY_SERVICE token (fetched per connection, since the token is checked when a stream opens), each entry
 * is checked against its seal (EVIDENCE.md section 5) before anything is applied, and the position is the
 * kit's {@link FeedPositions} row of consumer {@value #CONSUMER}. A subclass says only which entries do
 * something ({@link #hasEffect}) and writes what they do ({@link #applyEffects}).
 */
public abstract class LifecycleFeedFollower extends PositionedFeedFollower<WatchStatusChangesRequest, WatchStatusChangesResponse> {
    /** The consumer name of the stored position. */
    public static final String CONSUMER = "lifecycle";

    private final LifecycleServiceGrpc.LifecycleServiceStub lifecycle;

    protected LifecycleFeedFollower(Channel lifecycle, ServiceToken token, FeedHealth health, Vertx vertx, Duration firstRetry,
            Duration maxRetry, Pool database) {
        super(token, health, vertx, firstRetry, maxRetry, database, CONSUMER);
        this.lifecycle = LifecycleServiceGrpc.newStub(lifecycle);
    }

    @Override
    protected String name() {
        return "lifecycle";
    }

    @Override
    protected void open(String token, long from,
            ClientResponseObserver<WatchStatusChangesRequest, WatchStatusChangesResponse> observer) {
        ForwardedToken.attach(lifecycle, token).watchStatusChanges(
                WatchStatusChangesRequest.newBuilder().setFromSequence(from).build(), observer);
    }

    @Override
    protected long sequence(WatchStatusChangesResponse entry) {
        return entry.getFeedSequence();
    }

    @Override
    protected Instant changedAt(WatchStatusChangesResponse entry) {
        return entry.hasChangedAt() ? instant(entry.getChangedAt()) : null;
    }

    /**
     * An entry that does not match its seal is refused with DATA_LOSS {@code FEED_ENTRY_NOT_SEALED} before
     * anything is applied: the watch ends, says why in the log, and resumes from the stored position after
     * the backoff.
     */
    @Override
    protected void verify(WatchStatusChangesResponse entry) {
        FeedSeals.requireLifecycle(entry);
    }
}
