package io.robotid.identity.service;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import jakarta.inject.Singleton;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.grpc.Channel;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.robotid.identity.IdentityConfig;
import io.robotid.kit.security.ServiceToken;
import io.robotid.proto.lifecycle.v1.RobotStatus;
import io.robotid.proto.lifecycle.v1.WatchStatusChangesResponse;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.robotid.identity.repository.IdentityRepository;
import io.robotid.kit.feed.FeedHealth;
import io.robotid.kit.feed.LifecycleFeedFollower;
import io.robotid.kit.feed.PositionedFeedFollower;
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
 * {@value PositionedFeedFollower#IDLE_CHECKPOINT} of them). Streaming, batching, reconnecting with backoff (lifecycle-service starts after this
 * service) and the token are the kit's {@link PositionedFeedFollower}; this class keeps what is its own.
 */
@Singleton // no client proxy: the kit's FeedFollower has no no-args constructor
public class RetirementFollower extends LifecycleFeedFollower {
    private static final Logger LOG = Logger.getLogger(RetirementFollower.class);
    /** Statuses after which a robot never operates again (lifecycle's state machine has no way back). */
    public static final Set<RobotStatus> RETIRING = EnumSet.of(RobotStatus.ROBOT_STATUS_DECOMMISSIONED,
            RobotStatus.ROBOT_STATUS_SCRAPPED, RobotStatus.ROBOT_STATUS_RECYCLED);

    private final boolean enabled;

    public RetirementFollower(@GrpcClient("lifecycle") Channel lifecycle, ServiceToken token, FeedHealth health, Pool database, Vertx vertx,
            IdentityConfig config) {
        super(lifecycle, token, health, vertx, config.lifecycleFeed().firstRetry(), config.lifecycleFeed().maxRetry(), database);
        this.enabled = config.lifecycleFeed().enabled();
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

    /** A robot whose status is one of {@link #RETIRING} has its ID retired. */
    @Override
    protected boolean hasEffect(WatchStatusChangesResponse entry) {
        return RETIRING.contains(entry.getStatus());
    }

    /** The robots' IDs retired one after the other, in feed order (a retired ID stays retired: a repeat changes nothing). */
    @Override
    protected Uni<Void> applyEffects(SqlConnection connection, List<WatchStatusChangesResponse> entries) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (WatchStatusChangesResponse entry : entries) {
            chain = chain.chain(() -> retire(connection, entry));
        }
        return chain;
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
