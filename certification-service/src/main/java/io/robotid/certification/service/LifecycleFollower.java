package io.robotid.certification.service;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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

    /**
     * The marks of a batch of entries. Per entry, one mark per re-opened tier, since the time lifecycle-service
     * recorded the change, naming the causing event by its hash, sealed; a passing unit-level test of the tier dated
     * at or after it (posted before this entry arrived) satisfies it at once: the mark is stored cleared, the clearing
     * sealed; and a feed entry telling consumers the unit's open needs after it (the open marks of its robot caused by
     * it or an earlier entry). Written set-based: the robots locked at once (in the order of their IDs, before the
     * feed lock), one question for the tests that satisfy marks, the marks in one batch, their log leaves in one
     * statement, one read of the open marks, the feed entries numbered in one append. (Statements per entry held the
     * follower at 60 to 200 entries a second in the 1,000,000-robot scale run.)
     */
    @Override
    protected Uni<Void> applyEffects(SqlConnection connection, List<WatchStatusChangesResponse> entries) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        List<Map<Tier, String>> reopened = entries.stream().map(RevalidationRules::reopened).toList();
        List<RevalidationMarkRepository.Revalidating> questions = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            questions.add(new RevalidationMarkRepository.Revalidating(entries.get(i).getRobotId(), reopened.get(i).keySet(),
                    since(entries.get(i))));
        }
        List<String> robots = entries.stream().map(WatchStatusChangesResponse::getRobotId).toList();
        return RobotLocks.lockAll(connection, robots)
                .chain(() -> marks.revalidating(connection, questions))
                .chain(satisfied -> {
                    List<RevalidationMark> sealed = new ArrayList<>();
                    for (int i = 0; i < entries.size(); i++) {
                        sealed.addAll(marks(entries.get(i), reopened.get(i), satisfied.get(i), now));
                    }
                    return marks.insert(connection, sealed).chain(() -> log.appendAll(connection, sealed.stream()
                            .flatMap(m -> LogKeys.leaves(m).stream()).toList()));
                })
                .chain(() -> marks.open(connection, robots))
                .chain(open -> certificationFeed.appendAll(connection, entries.stream().map(entry -> revalidationChanged(
                        entry.getRobotId(), open.getOrDefault(entry.getRobotId(), List.of()).stream()
                                .filter(m -> m.lifecycleFeedSequence <= entry.getFeedSequence()).toList(), now))
                        .toList()))
                .invoke(() -> LOG.debugf("%d robots marked for re-validation after lifecycle feed entries %d-%d",
                        entries.size(), entries.get(0).getFeedSequence(), entries.get(entries.size() - 1).getFeedSequence()));
    }

    /** An entry that re-opens a tier (a part, firmware or AI model change) marks it. */
    @Override
    protected boolean hasEffect(WatchStatusChangesResponse entry) {
        return !RevalidationRules.reopened(entry).isEmpty();
    }

    /** Since when the entry's tiers need re-validation: when lifecycle-service recorded the change (microseconds). */
    private static Instant since(WatchStatusChangesResponse entry) {
        // the registry keeps microseconds: what is sealed is what is stored
        return ProtoValues.instant(entry.getChangedAt()).truncatedTo(ChronoUnit.MICROS);
    }

    /** The entry's sealed marks, one per re-opened tier; cleared at once by a test that satisfies it. */
    private static List<RevalidationMark> marks(WatchStatusChangesResponse entry, Map<Tier, String> reopened,
            Map<Tier, java.util.UUID> satisfied, Instant now) {
        List<RevalidationMark> sealed = new ArrayList<>();
        reopened.forEach((tier, cause) -> {
            RevalidationMark m = new RevalidationMark();
            m.robotId = entry.getRobotId();
            m.tier = tier;
            m.since = since(entry);
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
        return sealed;
    }

    /** The certification feed's entry telling a unit's open needs. */
    private static WatchCertificationChangesResponse revalidationChanged(String robot, List<RevalidationMark> open, Instant now) {
        return WatchCertificationChangesResponse.newBuilder().setChangedAt(ProtoValues.timestamp(now))
                .setKind(ChangeKind.CHANGE_KIND_REVALIDATION_CHANGED).setRevalidation(UnitRevalidation.newBuilder()
                        .setRobotId(robot).addAllNeeds(open.stream().map(ProtoValues::need).toList())).build();
    }
}
