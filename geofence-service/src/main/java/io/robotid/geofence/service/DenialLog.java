package io.robotid.geofence.service;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.robotid.geofence.GeofenceConfig;
import io.robotid.geofence.repository.DenialRepository;
import io.robotid.kit.paging.PageRequest;
import io.robotid.kit.validation.Violations;
import io.robotid.kit.security.CallerIdentity;
import io.robotid.kit.security.Role;
import io.robotid.kit.error.DomainException;
import io.robotid.proto.geofence.v1.Denial;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/**
 * The audit log of denials. A check only queues its denial (no database on the check path); the queue is
 * written as fast as it fills: one statement per batch of up to {@value #WRITE_BATCH}, the next batch as
 * soon as the last is stored, and a look every {@value #FLUSH_MILLIS} ms when idle. The queue is bounded:
 * if PostgreSQL cannot keep up and it fills, further denials are counted, logged and dropped rather than
 * let memory grow without end, and readiness check "denial-audit" says so (DOWN while dropping); the
 * receipts the robots hold still prove each answer.
 */
@ApplicationScoped
public class DenialLog {
    private static final Logger LOG = Logger.getLogger(DenialLog.class);
    static final long FLUSH_MILLIS = 50;
    static final int WRITE_BATCH = 10_000;

    private final ConcurrentLinkedQueue<Denial> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    /** When a denial was last dropped (0: never), for readiness. */
    private volatile long lastDroppedMillis;
    private final DenialRepository repository;
    private final io.robotid.geofence.repository.PolicyRepository policies;
    private final Vertx vertx;
    private final int limit;
    private volatile boolean writing;
    private long timer = -1;

    public DenialLog(DenialRepository repository, io.robotid.geofence.repository.PolicyRepository policies, Vertx vertx,
            GeofenceConfig config) {
        this.repository = repository;
        this.policies = policies;
        this.vertx = vertx;
        this.limit = config.denials().queueLimit();
    }

    void onStart(@Observes StartupEvent event) {
        timer = vertx.setPeriodic(FLUSH_MILLIS, id -> flush().subscribe().with(ok -> {
        }, failure -> LOG.warnf("denials could not be written (kept for the next try): %s", failure.getMessage())));
    }

    void onStop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    public void record(Denial denial) {
        if (queued.incrementAndGet() > limit) {
            queued.decrementAndGet();
            long n = dropped.incrementAndGet();
            lastDroppedMillis = System.currentTimeMillis();
            if (n == 1 || n % 10_000 == 0) {
                LOG.errorf("the denial audit queue is full (%d): %d denial(s) not recorded so far", limit, n);
            }
            return;
        }
        queue.add(denial);
    }

    public long dropped() {
        return dropped.get();
    }

    /** Denials written so far. */
    public long written() {
        return written.get();
    }

    /** Denials waiting to be written. */
    public int waiting() {
        return queued.get();
    }

    public int limit() {
        return limit;
    }

    /** Whether a denial was dropped in the last minute. */
    public boolean droppingRecently() {
        long last = lastDroppedMillis;
        return last != 0 && System.currentTimeMillis() - last < 60_000;
    }

    /** Writes what is queued (one write at a time; a failed batch goes back to the queue). */
    public Uni<Void> flush() {
        if (writing || queue.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        writing = true;
        List<Denial> batch = new ArrayList<>();
        Denial d;
        while (batch.size() < WRITE_BATCH && (d = queue.poll()) != null) {
            batch.add(d);
        }
        queued.addAndGet(-batch.size());
        return repository.insertAll(batch)
                .invoke(() -> written.addAndGet(batch.size()))
                .onFailure().invoke(failure -> {
                    queue.addAll(batch);
                    queued.addAndGet(batch.size());
                })
                .eventually(() -> writing = false)
                .chain(() -> queue.isEmpty() ? Uni.createFrom().voidItem() : flush());
    }

    /** A page of denials (as stored, sealed), and the token of the next one (null when none follows). */
    public record DenialPage(List<Denial> denials, String nextPageToken) {
    }

    /**
     * Denials, newest first. Regulators and auditors: all; a zone authority: those that matched one of its
     * zones; an operator: those of the robots it runs, as asked by anyone.
     *
     * @param robot only this robot's (as asked; empty: any)
     * @param zoneAsked only those that matched this zone (as asked; empty: any)
     */
    public Uni<DenialPage> list(CallerIdentity caller, String robot, String zoneAsked, int pageSize, String pageToken) {
        String filters = "robot=" + robot + "&zone=" + zoneAsked;
        Violations v = new Violations();
        PageRequest page = v.gather(() -> PageRequest.of(pageSize, pageToken, filters));
        Long before = page == null ? null : v.gather(page::longCursor);
        String robotId = robot.isEmpty() ? null : v.gather(() -> Violations.requireRobotId("robot_id", robot));
        UUID zone = zoneAsked.isEmpty() ? null : v.gather(() -> Violations.requireUuid("zone_id", zoneAsked));
        String zoneId = zone == null ? null : zone.toString();
        v.throwIfAny();
        Uni<List<String>> scope;
        if (caller.hasAny(Role.REGULATOR, Role.AUDITOR)) {
            scope = Uni.createFrom().nullItem();
        } else if (caller.has(Role.ZONE_AUTHORITY)) {
            scope = policies.zonesOf(caller.orgId().orElse("")).map(ids -> ids.stream().map(Object::toString).toList());
        } else {
            throw DomainException.permissionDenied("NOT_AN_AUDITOR", "denials are shown to regulators, auditors and zone authorities");
        }
        return scope.chain(zones -> {
            List<Denial> out = new ArrayList<>();
            return repository.ids(out, robotId, zoneId, null, zones, before, page.fetchSize())
                    .map(ids -> new DenialPage(out.subList(0, Math.min(out.size(), page.size())), ids.size() > page.size()
                            ? PageRequest.tokenAfter(Long.toString(ids.get(page.size() - 1)), filters) : null));
        });
    }
}
