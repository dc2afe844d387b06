package io.robotid.geofence.service;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import com.google.protobuf.Message;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.robotid.geofence.GeofenceConfig;
import io.robotid.evidence.codec.Hex;
import io.robotid.geofence.domain.PolicyLog;
import io.robotid.geofence.domain.ZoneDefinitions;
import io.robotid.geofence.engine.Grant;
import io.robotid.geofence.engine.Zone;
import io.robotid.geofence.engine.ZoneIndex;
import io.robotid.geofence.repository.PolicyRepository;
import io.robotid.proto.geofence.v1.PermissionChangeKind;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/**
 * The policy in memory, read from the policy log (EVIDENCE.md section 7): every live zone and grant,
 * compiled into a {@link ZoneIndex} that checks read without a lock and that is swapped whole, with the
 * policy hash, when the policy changes. Each change is checked against the chain before it is taken;
 * the first one that does not check out stops the policy: no check is answered from it (UNAVAILABLE,
 * POLICY_NOT_VERIFIED: robots fall back to their bundles' rule) until the log checks out again from the
 * last change that did, and readiness and the log say which change. Each replica looks for new changes every {@code robotid.geofence.policy-poll}, and at once
 * after its own writes; watchers of the affected robots are told.
 */
@ApplicationScoped
public class PolicyStore {
    private static final Logger LOG = Logger.getLogger(PolicyStore.class);
    /** Changes read per round trip. */
    private static final int PAGE = 10_000;

    /** The policy checks decide with: the index and the hash of the last change it holds. */
    public record Policy(ZoneIndex index, byte[] hash, boolean verified) {
        public long version() {
            return index.policyVersion();
        }
    }

    private volatile Policy current = new Policy(ZoneIndex.empty(0), new byte[32], false);
    private volatile String integrityProblem;
    private final PolicyRepository repository;
    private final PermissionWatch watch;
    private final Projections projections;
    private final Vertx vertx;
    private final Duration poll;

    // touched only by the one refresh that runs at a time
    private final PolicyLog log = new PolicyLog();
    private final Map<String, Zone> zones = new HashMap<>();
    private final Map<String, Grant> grants = new HashMap<>();

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

    @jakarta.inject.Inject
    public PolicyStore(PolicyRepository repository, PermissionWatch watch, Projections projections, Vertx vertx,
            GeofenceConfig config) {
        this(repository, watch, projections, vertx, config.policyPoll());
    }

    /** A store that looks for changes every {@code poll} (tests make a second replica with it). */
    public PolicyStore(PolicyRepository repository, PermissionWatch watch, Projections projections, Vertx vertx,
            Duration poll) {
        this.repository = repository;
        this.watch = watch;
        this.projections = projections;
        this.vertx = vertx;
        this.poll = poll;
    }

    void onStart(@Observes StartupEvent event) {
        refresh().await().atMost(Duration.ofMinutes(5));
        LOG.infof("policy version %d loaded from the policy log (%d changes, policy hash %s): %d zones, %d grants",
                current.version(), log.lastSeq(), log.lastHash(), zones.size(), grants.size());
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
        return current.index();
    }

    /** The policy with its hash. */
    public Policy policy() {
        return current;
    }

    /** Null while the log checks out; else the change that does not, in words. */
    public String integrityProblem() {
        return integrityProblem;
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
        // a broken log is read again from the last change that checked out: once repaired, it is served again
        read(log.lastSeq(), new ArrayList<>()).subscribe().with(changes -> builder.execute(() -> {
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

    private Uni<List<PolicyRepository.StoredChange>> read(long after, List<PolicyRepository.StoredChange> into) {
        return repository.changesAfter(after, PAGE).chain(page -> {
            into.addAll(page);
            return page.size() < PAGE ? Uni.createFrom().item(into) : read(page.get(page.size() - 1).seq(), into);
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

    private void apply(List<PolicyRepository.StoredChange> changes) {
        if (changes.isEmpty()) {
            if (integrityProblem != null) {
                LOG.infof("the policy log checks out again up to change %d: the policy is served again", log.lastSeq());
                integrityProblem = null;
            }
            if (!current.verified()) {
                current = new Policy(current.index(), Hex.parse(log.lastHash()), true);
            }
            return;
        }
        // the latest record of each entity in this batch, taken only after its change checked out
        Map<String, io.robotid.proto.geofence.v1.Zone> changedZones = new LinkedHashMap<>();
        Map<String, io.robotid.proto.geofence.v1.Grant> changedGrants = new LinkedHashMap<>();
        for (PolicyRepository.StoredChange c : changes) {
            Message record;
            try {
                record = log.add(new PolicyLog.Change(c.seq(), c.version(), c.kind(), c.entityId(), c.body(),
                        c.previousHash(), c.hash()));
            } catch (PolicyLog.Broken broken) {
                String problem = broken.getMessage() + "; nothing is answered from the policy until the log checks out"
                        + " again after change " + log.lastSeq();
                if (!problem.equals(integrityProblem)) {
                    LOG.errorf("the policy log does not check out: %s", problem);
                }
                integrityProblem = problem;
                break;
            }
            if (record instanceof io.robotid.proto.geofence.v1.Zone z) {
                changedZones.put(z.getZoneId(), z);
            } else if (record instanceof io.robotid.proto.geofence.v1.Grant g) {
                changedGrants.put(g.getGrantId(), g);
            }
        }
        for (io.robotid.proto.geofence.v1.Zone z : changedZones.values()) {
            if (z.getDeleted()) {
                zones.remove(z.getZoneId());
            } else {
                zones.put(z.getZoneId(), ZoneDefinitions.toZone(z.getZoneId(), z.getAuthority(), z.getDefinition(), "zone"));
            }
        }
        for (io.robotid.proto.geofence.v1.Grant g : changedGrants.values()) {
            if (g.getRevoked()) {
                grants.remove(g.getGrantId());
            } else {
                grants.put(g.getGrantId(), ZoneDefinitions.toGrant(g));
            }
        }
        boolean broken = integrityProblem != null && log.lastSeq() < changes.get(changes.size() - 1).seq();
        if (!broken && integrityProblem != null) {
            LOG.infof("the policy log checks out again up to change %d: the policy is served again", log.lastSeq());
            integrityProblem = null;
        }
        if (changedZones.isEmpty() && changedGrants.isEmpty()) {
            // fail closed: a robot is better served by its bundle's fallback than by a policy with a forged change
            current = new Policy(current.index(), current.hash(), !broken);
            return;
        }
        // each zone was validated when it was read (ZoneDefinitions.toZone): only the index is rebuilt
        ZoneIndex next = ZoneIndex.buildValidated(log.version(), zones.values(), grants.values());
        current = new Policy(next, Hex.parse(log.lastHash()), !broken);
        notifyWatchers(changedZones.values(), changedGrants.values());
    }

    private void notifyWatchers(java.util.Collection<io.robotid.proto.geofence.v1.Zone> changedZones,
            java.util.Collection<io.robotid.proto.geofence.v1.Grant> changedGrants) {
        for (io.robotid.proto.geofence.v1.Zone z : changedZones) {
            watch.everyone(PermissionChange.of(PermissionChangeKind.PERMISSION_CHANGE_KIND_ZONE_CHANGED,
                    "zone " + z.getZoneId() + " (" + z.getDefinition().getName() + ") was " + (z.getDeleted() ? "deleted"
                            : z.hasLastChanged() ? "changed" : "created"))
                    .zone(z.getZoneId(), z.getVersion()),
                    projections::view);
        }
        for (io.robotid.proto.geofence.v1.Grant g : changedGrants) {
            String detail = "grant " + g.getGrantId() + " into zone " + g.getZoneId() + (g.getRevoked() ? " was revoked" : " was given");
            for (String robotId : watch.watchedRobots()) {
                boolean concerned = g.getRobotId().equals(robotId) || (!g.getOperatorOrgId().isEmpty()
                        && g.getOperatorOrgId().equals(projections.get(robotId).operatorOrg()));
                if (concerned) {
                    watch.robot(robotId, PermissionChange.of(PermissionChangeKind.PERMISSION_CHANGE_KIND_GRANT_CHANGED, detail)
                            .grant(g.getGrantId(), g.getZoneId(), g.getVersion()).showing(projections.view(robotId)));
                }
            }
        }
    }
}
