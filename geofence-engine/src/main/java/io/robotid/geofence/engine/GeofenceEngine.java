package io.robotid.geofence.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.OptionalDouble;

/**
 * The decision: a robot's projection, a place, a task and an instant against a {@link ZoneIndex}. Pure and
 * thread-safe; the service and the offline library call the same code. The rules are in the module README.
 */
public final class GeofenceEngine {

    /** How long an answer may be cached at most, when nothing in it changes sooner. */
    public static final Duration DEFAULT_MAX_CACHE_FOR = Duration.ofSeconds(60);

    private final Duration maxCacheFor;

    public GeofenceEngine() {
        this(DEFAULT_MAX_CACHE_FOR);
    }

    public GeofenceEngine(Duration maxCacheFor) {
        if (maxCacheFor.isNegative()) {
            throw new IllegalArgumentException("maxCacheFor must not be negative");
        }
        this.maxCacheFor = maxCacheFor;
    }

    /**
     * @throws ValidationException when the request is malformed (position out of range or NaN, no or
     *         both locations, an empty or malformed task category, no instant)
     */
    public Decision decide(ZoneIndex index, CheckRequest request) {
        List<FieldViolation> violations = Validation.check(request);
        if (!violations.isEmpty()) {
            throw new ValidationException(violations);
        }
        Instant at = request.at();
        ZoneIndex.Matches m = new ZoneIndex.Matches(at, at.plus(maxCacheFor));
        if (request.position() != null) {
            index.matchOutdoor(request.position().lat(), request.position().lon(), m);
        } else {
            index.matchIndoor(request.indoor(), m);
        }
        m.sortByPrecedence();
        Acc acc = new Acc();
        robot(request, m, acc);
        for (int i = 0; i < m.size; i++) {
            zone(m.zones[i], index, request, m, acc);
        }

        Verdict verdict = acc.reasons != null ? Verdict.DENY
                : acc.speed < Double.POSITIVE_INFINITY ? Verdict.ALLOW_WITH_CONDITIONS : Verdict.ALLOW;
        List<String> ids;
        if (m.size == 0) {
            ids = List.of();
        } else if (m.size == 1) {
            ids = List.of(m.zones[0].id);
        } else {
            String[] a = new String[m.size];
            for (int i = 0; i < a.length; i++) {
                a[i] = m.zones[i].id;
            }
            ids = List.of(a);
        }
        Duration cacheFor = Duration.between(at, m.nextChange);
        return new Decision(verdict, acc.reasons == null ? Collections.emptySet() : Collections.unmodifiableSet(acc.reasons),
                acc.speed < Double.POSITIVE_INFINITY ? OptionalDouble.of(acc.speed) : OptionalDouble.empty(), ids,
                index.policyVersion(), cacheFor.isNegative() ? Duration.ZERO : cacheFor,
                acc.details == null ? List.of() : List.copyOf(acc.details));
    }

    private static final Tier[] TIERS = Tier.values();

    /** A line of {@link Decision#details()}. */
    static String detail(Reason reason, String detail) {
        return reason + ": " + detail;
    }

    private static final class Acc {
        /** Null until the first reason (most checks find none). */
        EnumSet<Reason> reasons;
        List<String> details;
        double speed = Double.POSITIVE_INFINITY;
        /** The task's number in the index's task numbers, looked up once (MIN_VALUE: not yet). */
        private int taskNumber = Integer.MIN_VALUE;

        int taskNumber(ZoneIndex index, String task) {
            if (taskNumber == Integer.MIN_VALUE) {
                taskNumber = index.taskNumber(task);
            }
            return taskNumber;
        }

        void deny(Reason reason, String detail) {
            denyWithDetail(reason, detail(reason, detail));
        }

        /** {@link #deny} with its line of explanation made already ({@link GeofenceEngine#detail}). */
        void denyWithDetail(Reason reason, String line) {
            if (reasons == null) {
                reasons = EnumSet.noneOf(Reason.class);
            }
            reasons.add(reason);
            if (details == null) {
                details = new ArrayList<>(4);
            }
            details.add(line);
        }

        void speed(Double limit) {
            if (limit != null && limit < speed) {
                speed = limit;
            }
        }

        /** {@code +Infinity} is no limit. */
        void speed(double limit) {
            if (limit < speed) {
                speed = limit;
            }
        }
    }

    /** Everything that depends on the robot alone (DESIGN.md section 6 included). */
    private static void robot(CheckRequest request, ZoneIndex.Matches m, Acc acc) {
        RobotProjection r = request.robot();
        Instant at = request.at();
        String task = request.taskCategory();
        if (!r.known()) {
            acc.deny(Reason.ROBOT_UNKNOWN, "robot " + r.robotId() + " is not known to the registry");
            return;
        }
        if (r.status() == RobotStatus.SUSPENDED || r.suspended()) {
            acc.deny(Reason.SUSPENDED, "robot " + r.robotId() + " is suspended");
        }
        if (r.status() != RobotStatus.IN_SERVICE && r.status() != RobotStatus.SUSPENDED) {
            acc.deny(Reason.NOT_IN_SERVICE, "robot " + r.robotId() + " is "
                    + (r.status() == null ? "of unknown status" : r.status()) + ", not IN_SERVICE");
        }
        if (r.openStopUseRecalls() > 0) {
            acc.deny(Reason.STOP_USE_RECALL_OPEN, r.openStopUseRecalls() + " STOP_USE recall(s) open on robot "
                    + r.robotId() + ": every check is denied until remedied");
        }
        for (CertifiedTier c : r.certifications().values()) {
            if (!c.validAt(at)) {
                if (c.validFrom() != null && at.isBefore(c.validFrom())) {
                    m.change(c.validFrom());
                }
                continue;
            }
            m.change(c.validUntil());
            OperatingConditions oc = c.conditions();
            acc.speed(oc.maxSpeedMps());
            if (c.noTaskCategoryAllowed()) {
                acc.deny(Reason.TASK_NOT_ALLOWED, "the " + c.tier() + " certificates have no task category in common");
            } else if (!oc.allowedTaskCategories().isEmpty() && !oc.allowedTaskCategories().contains(task)) {
                acc.deny(Reason.TASK_NOT_ALLOWED, "the " + c.tier() + " certification allows only "
                        + oc.allowedTaskCategories() + ", not " + task);
            }
            if (request.position() != null && oc.environment() == Environment.INDOOR_ONLY) {
                acc.deny(Reason.MISSING_CERTIFICATION, "the " + c.tier()
                        + " certification is for indoor use only and the position is outdoors");
            }
        }
        if (!r.certified(Tier.BASE_SAFETY, at)) {
            acc.deny(Reason.MISSING_CERTIFICATION, "no valid BASE_SAFETY certificate: every check needs one");
        }
        if (TaskCategories.isPhysicalInteraction(task) && !r.certified(Tier.PHYSICAL_INTERACTION, at)) {
            acc.deny(Reason.MISSING_CERTIFICATION, "the task " + task + " is a PHYSICAL_INTERACTION task and needs the"
                    + " PHYSICAL_INTERACTION tier");
        }
    }

    private static void zone(CompiledZone cz, ZoneIndex index, CheckRequest request, ZoneIndex.Matches m, Acc acc) {
        RobotProjection r = request.robot();
        Instant at = request.at();
        String task = request.taskCategory();
        switch (cz.kind) {
            case PROHIBITED -> acc.denyWithDetail(Reason.PROHIBITED_ZONE, cz.prohibitedDetail);
            case RESTRICTED -> {
                Grant found = null;
                for (int i = 0; i < cz.grantCount(); i++) {
                    if (cz.grantCovers(i, r, task, acc.taskNumber(index, task), at)) {
                        Grant g = cz.grant(i);
                        if (found == null || g.validUntil() == null
                                || found.validUntil() != null && g.validUntil().isAfter(found.validUntil())) {
                            found = g;
                        }
                    } else {
                        m.change(cz.grantStartAfter(i, at));
                    }
                }
                if (found == null) {
                    acc.deny(Reason.NO_GRANT, "zone " + cz.id + " is RESTRICTED and no grant lets robot "
                            + r.robotId() + " in for " + task + " now");
                } else {
                    m.change(found.validUntil());
                }
            }
            case CONDITIONAL -> {
            }
        }
        acc.speed(cz.maxSpeed);
        if (cz.allowedTasks != null && !cz.allowsTask(task, acc.taskNumber(index, task))) {
            acc.deny(Reason.TASK_NOT_ALLOWED, "zone " + cz.id + " allows only " + cz.allowedTasks + ", not " + task);
        }
        if (cz.hasWindows) {
            long[] day = cz.day(at);
            if (!cz.insideWindows(at, day)) {
                ZoneConditions c = cz.zone.conditions();
                acc.deny(Reason.OUTSIDE_TIME_WINDOW, "zone " + cz.id + " admits robots only " + c.timeWindows()
                        + " in " + c.timeZone());
            }
            m.change(cz.nextWindowChange(at, day));
        }
        if (!r.known()) {
            return;
        }
        if (cz.requiredTiers != 0) {
            for (Tier t : TIERS) {
                if ((cz.requiredTiers & 1 << t.ordinal()) != 0 && !r.certified(t, at)) {
                    acc.deny(Reason.MISSING_CERTIFICATION, "zone " + cz.id + " requires the " + t + " tier");
                }
            }
        }
        IntelligenceLevel highest = cz.highestLevel;
        if (highest != null && (r.intelligenceLevel() == null || r.intelligenceLevel().isAbove(highest))) {
            acc.deny(Reason.INTELLIGENCE_LEVEL_TOO_HIGH, "zone " + cz.id + " admits level " + highest
                    + " at most; robot is " + (r.intelligenceLevel() == null ? "of unknown level" : r.intelligenceLevel()));
        }
        if (cz.publicSpace) {
            publicSpace(cz, r, at, acc);
        }
    }

    /** DESIGN.md section 6: PUBLIC_SPACE zones need PUBLIC_SPACE and MOBILITY, and DATA_SECURITY from L3. */
    private static void publicSpace(CompiledZone z, RobotProjection r, Instant at, Acc acc) {
        if (!r.certified(Tier.PUBLIC_SPACE, at)) {
            acc.deny(Reason.MISSING_CERTIFICATION, "zone " + z.id + " is a public space and needs the PUBLIC_SPACE tier");
        }
        if (!r.certified(Tier.MOBILITY, at)) {
            acc.deny(Reason.MISSING_CERTIFICATION, "zone " + z.id + " is a public space and needs the MOBILITY tier");
        }
        IntelligenceLevel level = r.intelligenceLevel();
        boolean l3OrAbove = level == null || level.compareTo(IntelligenceLevel.L3) >= 0;
        if (l3OrAbove && !r.certified(Tier.DATA_SECURITY, at)) {
            acc.deny(Reason.MISSING_CERTIFICATION, "zone " + z.id + " is a public space and a robot of level "
                    + (level == null ? "unknown (taken as L3 or above)" : level) + " needs the DATA_SECURITY tier there");
        }
        for (CertifiedTier c : r.certifications().values()) {
            if (c.validAt(at) && Boolean.FALSE.equals(c.conditions().peopleNearbyAllowed())) {
                acc.deny(Reason.MISSING_CERTIFICATION, "zone " + z.id + " is a public space and the " + c.tier()
                        + " certification does not allow people nearby");
            }
        }
    }
}
