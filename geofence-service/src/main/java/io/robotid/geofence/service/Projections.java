package io.robotid.geofence.service;

import java.time.Clock;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.robotid.geofence.domain.EffectiveTiers;
import io.robotid.geofence.domain.ZoneDefinitions;
import io.robotid.geofence.engine.CertifiedTier;
import io.robotid.geofence.engine.IntelligenceLevel;
import io.robotid.geofence.engine.RobotProjection;
import io.robotid.geofence.engine.RobotStatus;
import io.robotid.geofence.engine.Tier;
import io.robotid.kit.id.RobotId;
import io.robotid.proto.certification.v1.Certificate;
import io.robotid.proto.certification.v1.RevalidationNeed;
import io.robotid.proto.certification.v1.SubjectKind;
import io.robotid.proto.certification.v1.UnitRevalidation;
import io.robotid.proto.geofence.v1.PermissionChangeKind;
import io.robotid.proto.lifecycle.v1.WatchStatusChangesResponse;

/**
 * Each robot's projection of the lifecycle and certification feeds, in memory. Checks read
 * {@link #get} (a lock-free map of immutable {@link RobotProjection}s, each replaced whole); the feed
 * followers apply changes under this object's lock, after the change and the feed position were stored,
 * and every robot whose projection changed is told through {@link PermissionWatch}.
 */
@ApplicationScoped
public class Projections {

    /** A robot's projection with its receipt digest (EVIDENCE.md), computed once per projection, not per check. */
    public record Projected(RobotProjection projection, byte[] digest) {
        static Projected of(RobotProjection projection) {
            return new Projected(projection, io.robotid.geofence.offline.Receipts.projectionDigest(projection));
        }
    }

    private final Map<String, Projected> projections = new ConcurrentHashMap<>();

    // what the projections are computed from; touched only under the lock
    private final Map<String, WatchStatusChangesResponse> status = new HashMap<>();
    private final Map<String, Map<String, Certificate>> certificatesBySubject = new HashMap<>();
    private final Map<String, Set<Tier>> pending = new HashMap<>();
    private final Map<String, IntelligenceLevel> levels = new HashMap<>();
    private final Map<String, Set<String>> robotsByModel = new HashMap<>();

    private final PermissionWatch watch;
    private final Clock clock;

    public Projections(PermissionWatch watch, Clock clock) {
        this.watch = watch;
        this.clock = clock;
    }

    /** The robot's projection: unknown when the lifecycle feed never named it. */
    public RobotProjection get(String robotId) {
        return projected(robotId).projection();
    }

    /** The robot's projection and its receipt digest. */
    public Projected projected(String robotId) {
        Projected p = projections.get(robotId);
        return p != null ? p : Projected.of(RobotProjection.unknown(robotId));
    }

    public int size() {
        return projections.size();
    }

    public synchronized void applyStatus(WatchStatusChangesResponse entry) {
        String robotId = entry.getRobotId();
        status.put(robotId, entry);
        modelOf(robotId).ifPresent(model -> robotsByModel.computeIfAbsent(model, k -> new HashSet<>()).add(robotId));
        recompute(robotId, PermissionChangeKind.PERMISSION_CHANGE_KIND_ROBOT_CHANGED,
                "lifecycle: " + entry.getCause().name().replace("EVENT_TYPE_", "") + ", status "
                        + entry.getStatus().name().replace("ROBOT_STATUS_", "")
                        + (entry.getSuspended() ? ", suspended" : "")
                        + (entry.getOpenStopUseRecallsCount() > 0 ? ", " + entry.getOpenStopUseRecallsCount() + " STOP_USE recall(s) open" : ""));
    }

    public synchronized void applyCertificate(Certificate c) {
        certificatesBySubject.computeIfAbsent(c.getSubject(), k -> new LinkedHashMap<>()).put(c.getCertificateId(), c);
        String detail = "certification: " + c.getTier().name().replace("TIER_", "") + " certificate " + c.getCertificateId()
                + " is " + c.getState().name().replace("CERTIFICATE_STATE_", "");
        for (String robotId : robotsOf(c)) {
            recompute(robotId, PermissionChangeKind.PERMISSION_CHANGE_KIND_CERTIFICATION_CHANGED, detail);
        }
    }

    public synchronized void applyRevalidation(UnitRevalidation r) {
        Set<Tier> tiers = EnumSet.noneOf(Tier.class);
        for (RevalidationNeed need : r.getNeedsList()) {
            Tier t = ZoneDefinitions.tier(need.getTier());
            if (t != null) {
                tiers.add(t);
            }
        }
        if (tiers.isEmpty()) {
            pending.remove(r.getRobotId());
        } else {
            pending.put(r.getRobotId(), tiers);
        }
        recompute(r.getRobotId(), PermissionChangeKind.PERMISSION_CHANGE_KIND_CERTIFICATION_CHANGED,
                tiers.isEmpty() ? "certification: no tier waits for re-validation" : "certification: " + tiers + " wait for re-validation");
    }

    public synchronized void applyLevel(String modelCode, IntelligenceLevel level) {
        levels.put(modelCode, level);
        for (String robotId : robotsByModel.getOrDefault(modelCode, Set.of())) {
            recompute(robotId, PermissionChangeKind.PERMISSION_CHANGE_KIND_ROBOT_CHANGED,
                    "filing: model " + modelCode + " is level " + level);
        }
    }

    /** Recomputes every robot (certificates starting or ending their validity since the last change). */
    public synchronized void recomputeAll() {
        for (String robotId : List.copyOf(status.keySet())) {
            recompute(robotId, PermissionChangeKind.PERMISSION_CHANGE_KIND_CERTIFICATION_CHANGED,
                    "certification: a certificate's validity began or ended");
        }
    }

    /** Model codes of known robots whose intelligence level is not known yet. */
    public synchronized Set<String> modelsWithoutLevel() {
        Set<String> out = new HashSet<>(robotsByModel.keySet());
        out.removeAll(levels.keySet());
        return out;
    }

    private Set<String> robotsOf(Certificate c) {
        if (c.getSubjectKind() == SubjectKind.SUBJECT_KIND_MODEL) {
            return robotsByModel.getOrDefault(c.getSubject(), Set.of());
        }
        return Set.of(c.getSubject());
    }

    private void recompute(String robotId, PermissionChangeKind kind, String detail) {
        RobotProjection next = compute(robotId);
        Projected previous = next == null ? projections.remove(robotId) : projections.put(robotId, Projected.of(next));
        if (next != null && (previous == null || !next.equals(previous.projection()))) {
            watch.robot(robotId, PermissionChange.of(kind, detail).showing(view(robotId)));
        }
    }

    public synchronized Set<Tier> pendingOf(String robotId) {
        return pending.getOrDefault(robotId, Set.of());
    }

    /** The robot as its watchers are shown it (with the open STOP_USE recalls' campaign ids). */
    public synchronized RobotView view(String robotId) {
        WatchStatusChangesResponse s = status.get(robotId);
        return new RobotView(get(robotId), pendingOf(robotId), s == null ? List.of() : s.getOpenStopUseRecallsList());
    }

    private RobotProjection compute(String robotId) {
        WatchStatusChangesResponse s = status.get(robotId);
        if (s == null) {
            return null;
        }
        String model = modelOf(robotId).orElse(null);
        List<Certificate> certificates = new java.util.ArrayList<>(certificatesBySubject.getOrDefault(robotId, Map.of()).values());
        if (model != null) {
            certificates.addAll(certificatesBySubject.getOrDefault(model, Map.of()).values());
        }
        Map<Tier, CertifiedTier> tiers = EffectiveTiers.at(clock.instant(), certificates, pending.getOrDefault(robotId, Set.of()));
        return new RobotProjection(robotId, true, status(s.getStatus()), s.getSuspended(), s.getOpenStopUseRecallsCount(), tiers,
                model == null ? null : levels.get(model), s.getOperatorOrgId().isEmpty() ? null : s.getOperatorOrgId());
    }

    static RobotStatus status(io.robotid.proto.lifecycle.v1.RobotStatus s) {
        return switch (s) {
            case ROBOT_STATUS_REGISTERED -> RobotStatus.REGISTERED;
            case ROBOT_STATUS_IN_STOCK -> RobotStatus.IN_STOCK;
            case ROBOT_STATUS_IN_SERVICE -> RobotStatus.IN_SERVICE;
            case ROBOT_STATUS_OUT_OF_SERVICE -> RobotStatus.OUT_OF_SERVICE;
            case ROBOT_STATUS_SUSPENDED -> RobotStatus.SUSPENDED;
            case ROBOT_STATUS_DECOMMISSIONED -> RobotStatus.DECOMMISSIONED;
            case ROBOT_STATUS_SCRAPPED -> RobotStatus.SCRAPPED;
            case ROBOT_STATUS_RECYCLED -> RobotStatus.RECYCLED;
            default -> null;
        };
    }

    private static java.util.Optional<String> modelOf(String robotId) {
        try {
            return java.util.Optional.of(RobotId.of(robotId).modelCode());
        } catch (RuntimeException e) {
            return java.util.Optional.empty();
        }
    }
}
