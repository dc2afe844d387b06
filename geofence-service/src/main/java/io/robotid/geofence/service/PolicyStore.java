package io.robotid.geofence.service;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.robotid.geofence.domain.ZoneDefinitions;
import io.robotid.geofence.engine.Grant;
import io.robotid.geofence.engine.Zone;
import io.robotid.geofence.engine.ZoneIndex;
import io.robotid.geofence.engine.ZoneIndexRef;
import io.robotid.geofence.repository.PolicyRepository;
import io.robotid.proto.geofence.v1.PermissionChangeKind;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/**
 * The policy in memory: every live zone and grant, compiled into a {@link ZoneIndex} that checks read
 * without a lock and that is swapped whole when the policy changes. Each replica looks for changes made
 * by any replica every {@code robotid.geofence.policy-poll} (one indexed query on the version columns),
 * and at once after its own writes; watchers of the affected robots are told.
 */
@ApplicationScoped
public class PolicyStore {
    private static final Logger LOG = Logger.getLogger(PolicyStore.class);

    private final ZoneIndexRef index = new ZoneIndexRef(ZoneIndex.empty(0));
    private final PolicyRepository repository;
    private final PermissionWatch watch;
    private final Projections projections;
    private final Vertx vertx;
    private final Duration poll;

    // touched only by the one refresh that runs at a time
    private final Map<String, Zone> zones = new HashMap<>();
    private final Map<String, Grant> grants = new HashMap<>();
    private long version;

    private boolean refreshing;
    private boolean again;
    private final List<Runnable> afterRefresh = new ArrayList<>();
    private long timer = -1;
    /** The one thread that parses changed zones and builds indexes (one refresh runs at a time anyway). */
    private final java.util.concurrent.ExecutorService builder = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "policy-index-builder");
        t.setDaemon(true);
        return t;
    });

    public PolicyStore(PolicyRepository repository, PermissionWatch watch, Projections projections, Vertx vertx,
            @ConfigProperty(name = "robotid.geofence.policy-poll", defaultValue = "200ms") Duration poll) {
        this.repository = repository;
        this.watch = watch;
        this.projections = projections;
        this.vertx = vertx;
        this.poll = poll;
    }

    void onStart(@Observes StartupEvent event) {
        refresh().await().atMost(Duration.ofMinutes(5));
        LOG.infof("policy version %d loaded: %d zones, %d grants", version, zones.size(), grants.size());
        timer = vertx.setPeriodic(poll.toMillis(), id -> refresh().subscribe().with(ok -> {
        }, failure -> LOG.warnf("policy refresh failed (will retry): %s", failure.getMessage())));
    }

    void onStop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        builder.shutdownNow();
    }

    /** The policy checks are decided with. */
    public ZoneIndex current() {
        return index.get();
    }

    /** Reads the changes committed since the last refresh and installs them; completes once installed. */
    public Uni<Void> refresh() {
        return Uni.createFrom().emitter(emitter -> {
            boolean start;
            synchronized (this) {
                afterRefresh.add(() -> emitter.complete(null));
                start = !refreshing;
                if (start) {
                    refreshing = true;
                } else {
                    again = true;
                }
            }
            if (start) {
                run();
            }
        });
    }

    private void run() {
        List<Runnable> waiting;
        synchronized (this) {
            waiting = new ArrayList<>(afterRefresh);
            afterRefresh.clear();
            again = false;
        }
        // parsing the changed zones and rebuilding the index take seconds at 100,000 zones: never on an event loop
        repository.changesSince(version).subscribe().with(changes -> builder.execute(() -> {
            try {
                apply(changes);
            } catch (RuntimeException e) {
                LOG.errorf(e, "policy changes could not be applied");
            }
            finish(waiting);
        }), failure -> {
            LOG.warnf("policy changes could not be read: %s", failure.getMessage());
            finish(waiting);
        });
    }

    private void finish(List<Runnable> waiting) {
        waiting.forEach(Runnable::run);
        boolean more;
        synchronized (this) {
            more = again || !afterRefresh.isEmpty();
            refreshing = more;
        }
        if (more) {
            run();
        }
    }

    private void apply(PolicyRepository.Changes changes) {
        if (changes.zones().isEmpty() && changes.grants().isEmpty()) {
            return;
        }
        long newest = version;
        List<io.robotid.proto.geofence.v1.Zone> changedZones = new ArrayList<>();
        for (io.robotid.proto.geofence.v1.Zone z : changes.zones()) {
            newest = Math.max(newest, z.getVersion());
            if (z.getDeleted()) {
                zones.remove(z.getZoneId());
            } else {
                zones.put(z.getZoneId(), ZoneDefinitions.toZone(z.getZoneId(), z.getAuthority(), z.getDefinition(), "zone"));
            }
            changedZones.add(z);
        }
        for (io.robotid.proto.geofence.v1.Grant g : changes.grants()) {
            newest = Math.max(newest, g.getVersion());
            if (g.getRevoked()) {
                grants.remove(g.getGrantId());
            } else {
                grants.put(g.getGrantId(), ZoneDefinitions.toGrant(g));
            }
        }
        // each zone was validated when it was read (ZoneDefinitions.toZone): only the index is rebuilt
        ZoneIndex next = ZoneIndex.buildValidated(newest, zones.values(), grants.values());
        index.swap(next);
        version = newest;
        for (io.robotid.proto.geofence.v1.Zone z : changedZones) {
            watch.everyone(PermissionWatch.change(PermissionChangeKind.PERMISSION_CHANGE_KIND_ZONE_CHANGED,
                    "zone " + z.getZoneId() + " (" + z.getDefinition().getName() + ") was " + (z.getDeleted() ? "deleted"
                            : z.hasLastChanged() ? "changed" : "created"))
                    .setZoneId(z.getZoneId()).setPolicyVersion(z.getVersion()),
                    projections::view);
        }
        for (io.robotid.proto.geofence.v1.Grant g : changes.grants()) {
            String detail = "grant " + g.getGrantId() + " into zone " + g.getZoneId() + (g.getRevoked() ? " was revoked" : " was given");
            for (String robotId : watch.watchedRobots()) {
                boolean concerned = g.getRobotId().equals(robotId) || (!g.getOperatorOrgId().isEmpty()
                        && g.getOperatorOrgId().equals(projections.get(robotId).operatorOrg()));
                if (concerned) {
                    watch.robot(robotId, PermissionWatch.change(PermissionChangeKind.PERMISSION_CHANGE_KIND_GRANT_CHANGED, detail)
                            .setGrantId(g.getGrantId()).setZoneId(g.getZoneId()).setPolicyVersion(g.getVersion())
                            .setRobot(projections.view(robotId)));
                }
            }
        }
    }
}
