package io.robotid.certification.service;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import jakarta.inject.Singleton;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.grpc.Channel;
import io.quarkus.grpc.GrpcClient;
import io.robotid.certification.CertificationConfig;
import io.robotid.certification.domain.CertificationSeals;
import io.robotid.certification.domain.ProtoValues;
import io.robotid.certification.domain.RevalidationMark;
import io.robotid.certification.domain.RevalidationRules;
import io.robotid.certification.domain.Tier;
import io.robotid.certification.repository.FeedRepository;
import io.robotid.certification.repository.RobotLocks;
import io.robotid.certification.repository.RevalidationMarkRepository;
import io.robotid.kit.feed.FeedHealth;
import io.robotid.kit.feed.LifecycleFeedFollower;
import io.robotid.kit.feed.PositionedFeedFollower;
import io.robotid.kit.security.ServiceToken;
import io.robotid.proto.certification.v1.ChangeKind;
import io.robotid.proto.certification.v1.UnitRevalidation;
import io.robotid.proto.certification.v1.WatchCertificationChangesResponse;
import io.robotid.proto.lifecycle.v1.WatchStatusChangesResponse;
import io.robotid.certification.domain.LogKeys;
import io.robotid.kit.tlog.TransparencyLog;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * Follows lifecycle-service's feed in the background and marks the tiers a part or software
 * change re-opens on that unit (RevalidationRules).
 *
 * <p>Started on StartupEvent; every step is non-blocking (the gRPC stream, the token request and
 * the SQL client), so it never holds an event loop. The feed position lives in
 * {@code feed_position} and moves only forward, in the same transaction as the marks an entry
 * causes ({@code ... where last_sequence < $seq}), so after a restart it resumes after the last
 * applied entry: nothing is missed, and an entry seen twice (a resumed stream, a second replica)
 * changes nothing the second time. Entries that arrive together are applied in one transaction (the kit's
 * batch), their robots locked first. Entries that re-open nothing are not written one by one: the
 * position catches up every {@value PositionedFeedFollower#IDLE_CHECKPOINT} of them (re-reading them after a crash is
 * harmless). Streaming, batching, reconnecting with backoff and the token are the kit's
 * {@link PositionedFeedFollower}; this class keeps what is its own: where its position is and what an entry does.
 */
@Singleton // no client proxy: the kit's FeedFollower has no no-args constructor
public class LifecycleFollower extends LifecycleFeedFollower {
    private static final Logger LOG = Logger.getLogger(LifecycleFollower.class);

    private final FeedRepository certificationFeed;
    private final RevalidationMarkRepository marks;
    private final Clock clock;
    private final TransparencyLog log;
    private final boolean enabled;

    public LifecycleFollower(@GrpcClient("lifecycle") Channel lifecycle, ServiceToken token, FeedHealth health, Pool database, FeedRepository certificationFeed,
            RevalidationMarkRepository marks, Vertx vertx, Clock clock, TransparencyLog log, CertificationConfig config) {
        super(lifecycle, token, health, vertx, config.lifecycleFeed().firstRetry(), config.lifecycleFeed().maxRetry(), database);
        this.certificationFeed = certificationFeed;
        this.marks = marks;
        this.clock = clock;
        this.log = log;
        this.enabled = config.lifecycleFeed().enabled();
    }

    void onStart(@Observes StartupEvent event) {
        if (enabled) {
            start();
        } else {
            LOG.info("lifecycle feed follower disabled (robotid.certification.lifecycle-feed.enabled=false)");
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        stop();
    }

    /** The robots of a batch's marks, locked before the first mark takes the feed lock. */
    @Override
    protected Uni<Void> beforeEffects(SqlConnection connection, List<WatchStatusChangesResponse> entries) {
        return RobotLocks.lockAll(connection, entries.stream().map(WatchStatusChangesResponse::getRobotId).toList());
    }

    /** The marks of the tiers the entry re-opens, if any. */
    @Override
    protected Function<SqlConnection, Uni<Void>> effect(WatchStatusChangesResponse entry) {
        Map<Tier, String> reopened = RevalidationRules.reopened(entry);
        return reopened.isEmpty() ? null : connection -> mark(connection, entry, reopened);
    }

    /**
     * One mark per re-opened tier, since the time lifecycle-service recorded the change, naming the
     * causing event by its hash, sealed. A passing unit-level test of the tier dated at or after it
     * (posted before this entry arrived) satisfies it at once: the mark is stored cleared, the clearing
     * sealed. A feed entry tells consumers the unit's open needs.
     */
    private Uni<Void> mark(SqlConnection connection, WatchStatusChangesResponse entry, Map<Tier, String> reopened) {
        String robot = entry.getRobotId();
        // the registry keeps microseconds: what is sealed is what is stored
        Instant since = ProtoValues.instant(entry.getChangedAt()).truncatedTo(ChronoUnit.MICROS);
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        return RobotLocks.lock(connection, robot)
                .chain(() -> marks.revalidating(connection, robot, reopened.keySet(), since))
                .chain(satisfied -> {
                    List<RevalidationMark> sealed = new ArrayList<>();
                    reopened.forEach((tier, cause) -> {
                        RevalidationMark m = new RevalidationMark();
                        m.robotId = robot;
                        m.tier = tier;
                        m.since = since;
                        m.cause = cause;
                        m.lifecycleEventSequence = entry.getEventSequence();
                        m.lifecycleEventHash = entry.getEventHash();
                        m.lifecycleFeedSequence = entry.getFeedSequence();
                        m.markedAt = now;
                        CertificationSeals.seal(m);
                        if (satisfied.containsKey(tier)) {
                            CertificationSeals.clear(m, now, satisfied.get(tier));
                        }
                        sealed.add(m);
                    });
                    return marks.insert(connection, sealed).chain(() -> log.appendAll(connection, sealed.stream()
                            .flatMap(m -> LogKeys.leaves(m).stream()).toList()));
                })
                .chain(() -> marks.open(connection, robot))
                .chain(open -> certificationFeed.append(connection, WatchCertificationChangesResponse.newBuilder()
                        .setChangedAt(ProtoValues.timestamp(now)).setKind(ChangeKind.CHANGE_KIND_REVALIDATION_CHANGED)
                        .setRevalidation(UnitRevalidation.newBuilder().setRobotId(robot)
                                .addAllNeeds(open.stream().map(ProtoValues::need).toList())).build()))
                // debug, not info: a fleet's production or software rollout marks a robot per entry (1,000,000
                // lines in the scale run); the marks themselves are in the feed and the log
                .invoke(() -> LOG.debugf("robot %s: %s need re-validation after lifecycle feed entry %d", robot,
                        reopened.keySet(), entry.getFeedSequence()));
    }
}
