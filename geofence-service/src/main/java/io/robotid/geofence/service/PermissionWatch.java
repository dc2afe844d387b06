package io.robotid.geofence.service;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import io.robotid.proto.geofence.v1.PermissionChangeKind;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.BackPressureStrategy;
import io.smallrye.mutiny.subscription.MultiEmitter;

/**
 * The robots watching their permissions, and the fan-out of changes to them. A robot's own changes
 * (status, certifications, its grants) go to its watchers; a zone change goes to every watcher, since
 * any robot may be in or near the zone. Emission never blocks: a watcher that cannot keep up keeps only
 * the latest changes (they are "look again" signals, not state). The adapter shows each change as the
 * contract's message.
 */
@ApplicationScoped
public class PermissionWatch {

    private final Map<String, Set<MultiEmitter<? super PermissionChange>>> byRobot = new ConcurrentHashMap<>();
    private final Clock clock;

    public PermissionWatch(Clock clock) {
        this.clock = clock;
    }

    /** The first change a new watcher is told: SUBSCRIBED, with the robot as now projected. */
    public PermissionChange subscribed(String robotId, RobotView robot) {
        return PermissionChange.of(PermissionChangeKind.PERMISSION_CHANGE_KIND_SUBSCRIBED, "watching the permissions of " + robotId)
                .showing(robot).toldTo(robotId, clock.instant());
    }

    /** A stream for one robot: {@code subscribed} first (see {@link #subscribed}), then each change. */
    public Multi<PermissionChange> watch(String robotId, PermissionChange subscribed) {
        return Multi.createFrom().<PermissionChange>emitter(emitter -> {
            byRobot.computeIfAbsent(robotId, k -> ConcurrentHashMap.newKeySet()).add(emitter);
            emitter.onTermination(() -> byRobot.computeIfPresent(robotId, (k, set) -> {
                set.remove(emitter);
                return set.isEmpty() ? null : set;
            }));
            emitter.emit(subscribed);
        }, BackPressureStrategy.LATEST);
    }

    public int watchers() {
        return byRobot.values().stream().mapToInt(Set::size).sum();
    }

    /** Tells one robot's watchers. */
    public void robot(String robotId, PermissionChange change) {
        Set<MultiEmitter<? super PermissionChange>> emitters = byRobot.get(robotId);
        if (emitters == null) {
            return;
        }
        PermissionChange message = change.toldTo(robotId, clock.instant());
        emitters.forEach(e -> e.emit(message));
    }

    /** Tells every watching robot; {@code projection} adds each robot as it now is. */
    public void everyone(PermissionChange change, Function<String, RobotView> projection) {
        Instant at = clock.instant();
        byRobot.forEach((robotId, emitters) -> {
            PermissionChange message = change.showing(projection.apply(robotId)).toldTo(robotId, at);
            emitters.forEach(e -> e.emit(message));
        });
    }

    /** The robots being watched now. */
    public Set<String> watchedRobots() {
        return byRobot.keySet();
    }
}
