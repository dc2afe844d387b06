package io.robotid.identity.service;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.robotid.identity.client.LifecycleFeedSeal;
import io.robotid.kit.security.ServiceToken;
import io.robotid.kit.grpc.ForwardedToken;
import io.robotid.proto.lifecycle.v1.LifecycleServiceGrpc;
import io.robotid.proto.lifecycle.v1.RobotStatus;
import io.robotid.proto.lifecycle.v1.WatchStatusChangesRequest;
import io.robotid.proto.lifecycle.v1.WatchStatusChangesResponse;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.Vertx;
import io.robotid.identity.repository.IdentityRepository;
import io.robotid.kit.feed.FeedPositions;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * Retires IDs: follows lifecycle-service's feed (WatchStatusChanges, with this service's
 * REGISTRY_SERVICE token) and marks an identity RETIRED when its robot is decommissioned, scrapped
 * or recycled (none of these is ever left again), so that VerifyIdentity answers RETIRED without
 * asking lifecycle-service on every public verification.
 *
 * <p>The feed position lives in {@code feed_position}, written in the same transaction as the
 * retirement it causes and only forward ({@code ... where last_sequence < $seq}); after a restart
 * the follower resumes after the last applied entry, and an entry seen twice changes nothing.
 * Entries that retire nothing are not written one by one (the position catches up every
 * {@value #IDLE_CHECKPOINT} of them). The next entry is requested only when the previous one is
 * handled. When the stream fails or ends it reconnects after a delay that doubles from
 * {@code first-retry} up to {@code max-retry} (lifecycle-service starts after this service).
 */
@ApplicationScoped
public class RetirementFollower {
    private static final Logger LOG = Logger.getLogger(RetirementFollower.class);
    static final String CONSUMER = "lifecycle";
    static final int IDLE_CHECKPOINT = 200;
    /** Statuses after which a robot never operates again (lifecycle's state machine has no way back). */
    public static final Set<RobotStatus> RETIRING = EnumSet.of(RobotStatus.ROBOT_STATUS_DECOMMISSIONED,
            RobotStatus.ROBOT_STATUS_SCRAPPED, RobotStatus.ROBOT_STATUS_RECYCLED);

    private final LifecycleServiceGrpc.LifecycleServiceStub lifecycle;
    private final ServiceToken token;
    private final Pool database;
    private final Vertx vertx;
    private final boolean enabled;
    private final Duration firstRetry;
    private final Duration maxRetry;

    private boolean running;
    private long generation;
    private Cancellable subscription;
    private Runnable cancelWatch;
    private long timer = -1;
    private int failures;
    private volatile long lastStored;

    public RetirementFollower(@GrpcClient("lifecycle") Channel lifecycle, ServiceToken token, Pool database, Vertx vertx,
            @ConfigProperty(name = "robotid.identity.lifecycle-feed.enabled", defaultValue = "true") boolean enabled,
            @ConfigProperty(name = "robotid.identity.lifecycle-feed.first-retry", defaultValue = "500ms") Duration firstRetry,
            @ConfigProperty(name = "robotid.identity.lifecycle-feed.max-retry", defaultValue = "30s") Duration maxRetry) {
        this.lifecycle = LifecycleServiceGrpc.newStub(lifecycle);
        this.token = token;
        this.database = database;
        this.vertx = vertx;
        this.enabled = enabled;
        this.firstRetry = firstRetry;
        this.maxRetry = maxRetry;
    }

    void onStart(@Observes StartupEvent event) {
        if (enabled) {
            start();
        } else {
            LOG.info("lifecycle feed follower disabled (robotid.identity.lifecycle-feed.enabled=false)");
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        stop();
    }

    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        failures = 0;
        connect();
    }

    public synchronized void stop() {
        running = false;
        generation++;
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
        if (subscription != null) {
            subscription.cancel();
            subscription = null;
        }
        if (cancelWatch != null) {
            cancelWatch.run();
            cancelWatch = null;
        }
    }

    private synchronized void connect() {
        timer = -1;
        if (!running) {
            return;
        }
        long current = ++generation;
        subscription = position().chain(from -> token.get().map(t -> new Object[] { from, t }))
                .subscribe().with(start -> watch(current, (Long) start[0], (String) start[1]),
                        failure -> disconnected(current, failure));
    }

    private synchronized void watch(long current, long from, String accessToken) {
        if (current != generation || !running) {
            return;
        }
        lastStored = from;
        LOG.infof("following the lifecycle feed after sequence %d (retiring decommissioned robots' IDs)", from);
        AtomicReference<ClientCallStreamObserver<WatchStatusChangesRequest>> call = new AtomicReference<>();
        AtomicBoolean cancelled = new AtomicBoolean();
        ForwardedToken.attach(lifecycle, accessToken).watchStatusChanges(
                WatchStatusChangesRequest.newBuilder().setFromSequence(from).build(),
                new ClientResponseObserver<WatchStatusChangesRequest, WatchStatusChangesResponse>() {
                    @Override
                    public void beforeStart(ClientCallStreamObserver<WatchStatusChangesRequest> stream) {
                        call.set(stream);
                        stream.disableAutoRequestWithInitial(1);
                    }

                    @Override
                    public void onNext(WatchStatusChangesResponse entry) {
                        Uni.createFrom().deferred(() -> apply(entry)).subscribe().with(applied -> {
                            resetFailures(current);
                            call.get().request(1);
                        }, failure -> {
                            LOG.warnf(failure, "lifecycle feed entry %d could not be applied", entry.getFeedSequence());
                            call.get().cancel("the feed entry could not be applied", failure);
                        });
                    }

                    @Override
                    public void onError(Throwable failure) {
                        if (!cancelled.get()) {
                            disconnected(current, failure);
                        }
                    }

                    @Override
                    public void onCompleted() {
                        if (!cancelled.get()) {
                            disconnected(current, null);
                        }
                    }
                });
        cancelWatch = () -> {
            cancelled.set(true);
            ClientCallStreamObserver<WatchStatusChangesRequest> stream = call.get();
            if (stream != null) {
                stream.cancel("follower stopped", null);
            }
        };
    }

    private synchronized void resetFailures(long current) {
        if (current == generation) {
            failures = 0;
        }
    }

    private synchronized void disconnected(long current, Throwable failure) {
        if (current != generation || !running) {
            return;
        }
        subscription = null;
        cancelWatch = null;
        if (failure instanceof StatusRuntimeException sre && sre.getStatus().getCode() == Status.Code.UNAUTHENTICATED) {
            token.forget();
        }
        long delay = Math.min(maxRetry.toMillis(), firstRetry.toMillis() << Math.min(failures, 16));
        failures++;
        if (failure == null) {
            LOG.infof("lifecycle feed ended; reconnecting in %d ms", delay);
        } else {
            LOG.warnf("lifecycle feed interrupted (%s); reconnecting in %d ms",
                    failure instanceof StatusRuntimeException sre ? sre.getStatus().getCode() + " "
                            + sre.getStatus().getDescription() : failure.toString(), delay);
        }
        timer = vertx.setTimer(Math.max(1, delay), id -> connect());
    }

    /** The last lifecycle feed sequence whose effect is applied. */
    public Uni<Long> position() {
        return FeedPositions.read(database, CONSUMER);
    }

    /**
     * Applies one entry: a robot whose status is one of {@link #RETIRING} has its ID retired, and
     * the position moves to the entry, in one transaction; nothing happens if the position is
     * there already.
     *
     * @return true when this call moved the position
     */
    public Uni<Boolean> apply(WatchStatusChangesResponse entry) {
        LifecycleFeedSeal.require(entry);
        long sequence = entry.getFeedSequence();
        if (!RETIRING.contains(entry.getStatus())) {
            if (sequence - lastStored < IDLE_CHECKPOINT) {
                return Uni.createFrom().item(false);
            }
            return database.withTransaction(connection -> advance(connection, sequence))
                    .invoke(advanced -> lastStored = Math.max(lastStored, sequence));
        }
        return database.withTransaction(connection -> advance(connection, sequence)
                .call(advanced -> advanced ? retire(connection, entry) : Uni.createFrom().voidItem()))
                .invoke(advanced -> lastStored = Math.max(lastStored, sequence));
    }

    private static Uni<Boolean> advance(SqlConnection connection, long sequence) {
        return FeedPositions.advance(connection, CONSUMER, sequence);
    }

    private static Uni<Void> retire(SqlConnection connection, WatchStatusChangesResponse entry) {
        return IdentityRepository.retire(connection, entry.getRobotId())
                .invoke(retired -> {
                    if (retired) {
                        LOG.infof("robot %s is %s: its ID is retired (lifecycle feed entry %d)", entry.getRobotId(),
                                entry.getStatus().name().substring("ROBOT_STATUS_".length()), entry.getFeedSequence());
                    }
                }).replaceWithVoid();
    }
}
