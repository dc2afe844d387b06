package io.robotid.geofence.service;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.grpc.stub.ClientResponseObserver;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.robotid.geofence.GeofenceConfig;
import io.robotid.kit.feed.FeedSeals;
import io.robotid.geofence.client.Feeds;
import io.robotid.kit.peers.FilingReads;
import io.robotid.kit.feed.FeedFollower;
import io.robotid.kit.feed.FeedHealth;
import io.robotid.kit.security.ServiceToken;
import io.robotid.geofence.domain.ZoneDefinitions;
import io.robotid.geofence.engine.IntelligenceLevel;
import io.robotid.geofence.repository.ProjectionRepository;
import io.robotid.proto.certification.v1.WatchCertificationChangesRequest;
import io.robotid.proto.certification.v1.WatchCertificationChangesResponse;
import io.robotid.proto.lifecycle.v1.WatchStatusChangesRequest;
import io.robotid.proto.lifecycle.v1.WatchStatusChangesResponse;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/**
 * Loads the stored projections at start, then follows lifecycle-service's and certification-service's
 * feeds from their stored positions, and looks up the intelligence level of each new model at
 * filing-service. A periodic pass recomputes the projections, so that certificates whose validity began
 * or ended since the last change count (or stop counting) without a feed entry.
 */
@ApplicationScoped
public class FeedFollowers {
    private static final Logger LOG = Logger.getLogger(FeedFollowers.class);
    static final long RECOMPUTE_MILLIS = 30_000;
    static final long LEVEL_LOOKUP_MILLIS = 2_000;

    private final ProjectionRepository repository;
    private final Projections projections;
    private final EvidenceIntegrity integrity;
    private final FilingReads filing;
    private final ServiceToken token;
    private final Vertx vertx;
    private final Clock clock;
    private final boolean enabled;
    private final FeedFollower<WatchStatusChangesRequest, WatchStatusChangesResponse> lifecycle;
    private final FeedFollower<WatchCertificationChangesRequest, WatchCertificationChangesResponse> certification;
    private long recomputeTimer = -1;
    private long levelTimer = -1;
    private volatile boolean lookingUp;

    public FeedFollowers(ProjectionRepository repository, Projections projections, EvidenceIntegrity integrity, Feeds feeds,
            FilingReads filing,
            ServiceToken token, FeedHealth health, Vertx vertx, Clock clock,
            GeofenceConfig config) {
        Duration firstRetry = config.feeds().firstRetry();
        Duration maxRetry = config.feeds().maxRetry();
        this.repository = repository;
        this.projections = projections;
        this.integrity = integrity;
        this.filing = filing;
        this.token = token;
        this.vertx = vertx;
        this.clock = clock;
        this.enabled = config.feeds().enabled();
        this.lifecycle = new FeedFollower<>(token, health, vertx, firstRetry, maxRetry) {
            @Override
            protected String name() {
                return ProjectionRepository.LIFECYCLE;
            }

            @Override
            protected java.time.Instant changedAt(WatchStatusChangesResponse entry) {
                return entry.hasChangedAt() ? instant(entry.getChangedAt()) : null;
            }

            @Override
            protected Uni<Long> storedPosition() {
                return repository.position(ProjectionRepository.LIFECYCLE);
            }

            @Override
            protected void open(String t, long from, ClientResponseObserver<WatchStatusChangesRequest, WatchStatusChangesResponse> o) {
                feeds.lifecycle(t, from, o);
            }

            @Override
            protected long sequence(WatchStatusChangesResponse entry) {
                return entry.getFeedSequence();
            }

            @Override
            protected Uni<Void> store(List<WatchStatusChangesResponse> entries) {
                return Uni.createFrom().deferred(() -> {
                    entries.forEach(FeedSeals::requireLifecycle);
                    return repository.storeLifecycle(entries);
                });
            }

            @Override
            protected void apply(List<WatchStatusChangesResponse> entries) {
                entries.forEach(projections::applyStatus);
            }
        };
        this.certification = new FeedFollower<>(token, health, vertx, firstRetry, maxRetry) {
            @Override
            protected String name() {
                return ProjectionRepository.CERTIFICATION;
            }

            @Override
            protected java.time.Instant changedAt(WatchCertificationChangesResponse entry) {
                return entry.hasChangedAt() ? instant(entry.getChangedAt()) : null;
            }

            @Override
            protected Uni<Long> storedPosition() {
                return repository.position(ProjectionRepository.CERTIFICATION);
            }

            @Override
            protected void open(String t, long from,
                    ClientResponseObserver<WatchCertificationChangesRequest, WatchCertificationChangesResponse> o) {
                feeds.certification(t, from, o);
            }

            @Override
            protected long sequence(WatchCertificationChangesResponse entry) {
                return entry.getSequence();
            }

            @Override
            protected Uni<Void> store(List<WatchCertificationChangesResponse> entries) {
                return Uni.createFrom().deferred(() -> {
                    entries.forEach(FeedSeals::requireCertification);
                    return repository.storeCertification(entries);
                });
            }

            @Override
            protected void apply(List<WatchCertificationChangesResponse> entries) {
                entries.forEach(FeedFollowers.this::apply);
            }
        };
    }

    void onStart(@Observes StartupEvent event) {
        ProjectionRepository.Stored stored = repository.loadAll().await().atMost(Duration.ofMinutes(5));
        stored.levels().forEach((model, level) -> projections.applyLevel(model, IntelligenceLevel.valueOf(level)));
        // a stored entry is loaded only when it is what its feed sealed and where it is stored
        List<io.robotid.geofence.domain.Finding> problems = new ArrayList<>(ProjectionChecks.problems(stored));
        long robots = repository.forEachStatus(ProjectionRepository.STATUS_PAGE, page -> page.forEach(e -> {
            io.robotid.geofence.domain.Finding problem = ProjectionChecks.lifecycleRowProblem(e); // one seal check a row
            if (problem == null) {
                projections.applyStatus(e.entry());
            } else {
                problems.add(problem);
            }
        })).await().atMost(Duration.ofMinutes(5));
        stored.certifications().stream().filter(e -> ProjectionChecks.certificationRowProblem(e) == null)
                .forEach(e -> apply(e.entry()));
        integrity.projections(problems);
        LOG.infof("projections loaded: %d robots, %d certification entries%s", robots,
                stored.certifications().size(), problems.isEmpty() ? "" : "; NOT loaded, as they do not check out: " + problems);
        recomputeTimer = vertx.setPeriodic(RECOMPUTE_MILLIS, id -> vertx.executeBlocking(() -> {
            projections.recomputeAll();
            return null;
        }, false));
        if (enabled) {
            lifecycle.start();
            certification.start();
            levelTimer = vertx.setPeriodic(LEVEL_LOOKUP_MILLIS, id -> lookUpLevels());
        } else {
            LOG.info("feed followers disabled (robotid.geofence.feeds.enabled=false)");
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        lifecycle.stop();
        certification.stop();
        if (recomputeTimer >= 0) {
            vertx.cancelTimer(recomputeTimer);
        }
        if (levelTimer >= 0) {
            vertx.cancelTimer(levelTimer);
        }
    }

    private void apply(WatchCertificationChangesResponse e) {
        if (e.hasCertificate()) {
            projections.applyCertificate(e.getCertificate());
        } else if (e.hasRevalidation()) {
            projections.applyRevalidation(e.getRevalidation());
        }
    }

    public FeedFollower<WatchStatusChangesRequest, WatchStatusChangesResponse> lifecycle() {
        return lifecycle;
    }

    public FeedFollower<WatchCertificationChangesRequest, WatchCertificationChangesResponse> certification() {
        return certification;
    }

    /** Asks filing-service for the levels of models seen without one; one lookup round at a time. */
    private void lookUpLevels() {
        Set<String> models = projections.modelsWithoutLevel();
        if (models.isEmpty() || lookingUp) {
            return;
        }
        lookingUp = true;
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (String model : models) {
            chain = chain.chain(() -> token.get().chain(t -> filing.model(t, model))
                    .map(filed -> filed.getCurrent().getIntelligenceLevel())
                    .chain(level -> {
                        IntelligenceLevel l = ZoneDefinitions.level(level);
                        if (l == null) {
                            return Uni.createFrom().voidItem();
                        }
                        return repository.storeLevel(model, l.name(), clock.instant()).invoke(() -> projections.applyLevel(model, l));
                    })
                    .onFailure().recoverWithItem(failure -> {
                        LOG.debugf("level of model %s not known yet: %s", model, failure.getMessage());
                        return null;
                    }).replaceWithVoid());
        }
        chain.eventually(() -> lookingUp = false).subscribe().with(ok -> {
        }, failure -> {
        });
    }
}
