package io.robotid.geofence.service;

import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import io.robotid.geofence.domain.ZoneDefinitions;
import io.robotid.proto.geofence.v1.PermissionChangeKind;
import io.robotid.proto.geofence.v1.WatchPermissionsResponse;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.BackPressureStrategy;
import io.smallrye.mutiny.subscription.MultiEmitter;

/**
 * The robots watching their permissions, and the fan-out of changes to them. A robot's own changes
 * (status, certifications, its grants) go to its watchers; a zone change goes to every watcher, since
 * any robot may be in or near the zone. Emission never blocks: a watcher that cannot keep up keeps only
 * the latest changes (they are "look again" signals, not state).
 */
@ApplicationScoped
public class PermissionWatch {

    private final Map<String, Set<MultiEmitter<? super WatchPermissionsResponse>>> byRobot = new ConcurrentHashMap<>();
    private final Clock clock;

    public PermissionWatch(Clock clock) {
        this.clock = clock;
    }

    /** A stream for one robot: SUBSCRIBED first (with the robot as now projected), then each change. */
    public Multi<WatchPermissionsResponse> watch(String robotId, WatchPermissionsResponse subscribed) {
        return Multi.createFrom().<WatchPermissionsResponse>emitter(emitter -> {
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
    public void robot(String robotId, WatchPermissionsResponse.Builder change) {
        Set<MultiEmitter<? super WatchPermissionsResponse>> emitters = byRobot.get(robotId);
        if (emitters == null) {
            return;
        }
        WatchPermissionsResponse message = change.setRobotId(robotId).setChangedAt(ZoneDefinitions.timestamp(clock.instant())).build();
        emitters.forEach(e -> e.emit(message));
    }

    /** Tells every watching robot; {@code personalise} adds each robot's projection. */
    public void everyone(WatchPermissionsResponse.Builder change,
            Function<String, io.robotid.proto.geofence.v1.RobotProjection> projection) {
        change.setChangedAt(ZoneDefinitions.timestamp(clock.instant()));
        byRobot.forEach((robotId, emitters) -> {
            WatchPermissionsResponse message = change.clone().setRobotId(robotId).setRobot(projection.apply(robotId)).build();
            emitters.forEach(e -> e.emit(message));
        });
    }

    /** The robots being watched now. */
    public Set<String> watchedRobots() {
        return byRobot.keySet();
    }

    static WatchPermissionsResponse.Builder change(PermissionChangeKind kind, String detail) {
        return WatchPermissionsResponse.newBuilder().setKind(kind).setDetail(detail);
    }
}
