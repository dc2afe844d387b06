package io.robotid.geofence.engine;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.locationtech.jts.algorithm.CGAlgorithmsDD;
import org.locationtech.jts.algorithm.Orientation;
import org.locationtech.jts.algorithm.locate.PointOnGeometryLocator;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.CoordinateSequence;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.LineString;
import org.locationtech.jts.geom.Location;
import org.locationtech.jts.algorithm.locate.IndexedPointInAreaLocator;
import org.locationtech.jts.geom.util.LinearComponentExtracter;

/**
 * A zone ready for checks: its geometry's point location, its grants, its windows.
 *
 * <p>A check is bound by memory reads more than by computing: every object it follows to a zone's data is
 * a likely cache miss. So what a check reads of a zone is here, in this object's fields or in one array per
 * concern (rings, windows, grants), and the {@link Zone}, {@link Grant} and condition objects are read only
 * for the rarer paths (a denial's explanation, a grant that may match).
 */
final class CompiledZone {

    static final Comparator<CompiledZone> PRECEDENCE = Comparator.<CompiledZone>comparingInt(z -> -z.zone.precedence())
            .thenComparing(z -> z.zone.id());

    /**
     * Polygons of at most this many segments (all rings together) are located by a plain scan of their
     * segments: the same ray-crossing count as JTS's {@code IndexedPointInAreaLocator}, without its interval
     * tree, visitor and counter objects. Larger ones use an IndexedPointInAreaLocator of their own. (Measured
     * with star polygons: the scan is faster up to 256 segments, 1.2 times with 10 polygons in cache, 2 to 5
     * times with 3,000 polygons.)
     */
    static final int SCAN_MAX_SEGMENTS = 256;
    /** Task numbers below this are bits of a task mask (see {@link ZoneIndex#taskNumber}); the bit above means any task. */
    static final int TASK_BITS = 63;
    private static final long ANY_TASK = 1L << TASK_BITS;
    private static final long SECONDS_PER_DAY = 86_400;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    /** Shared empty arrays: reading the length of a zone's own empty array would be one more cache miss. */
    private static final Grant[] NO_GRANTS = {};
    private static final long[] NO_LONGS = {};
    /** Grant keys: flags above the low 32 bits, which are the hash of the robot id or operator org. */
    private static final long GRANT_TO_ROBOT = 1L << 32, GRANT_TO_OPERATOR = 1L << 33, GRANT_HAS_START = 1L << 34;

    // read by every check that finds the zone: declared first (the JVM lays fields out by size, primitives
    // before references, and in declaration order within a size), so that they share the first cache lines
    final ZoneKind kind;
    final Instant validFrom;
    final Instant validUntil;
    final String id;
    /** The allowed task categories, {@code null} when any task is allowed. */
    final Set<String> allowedTasks;
    final IntelligenceLevel highestLevel;
    /** The rings of a scanned polygon (else null): see {@link #scannableRings}. */
    private final double[] rings;
    /** The zone's grants, in the order given. */
    private final Grant[] grants;
    /** Per grant: who (the GRANT_ flags and the hash of the robot id or operator org), then its task mask. */
    private final long[] grantKeys;
    /** Per window: its days (a bit per DayOfWeek ordinal), start and end (nano of day). */
    private final long[] windows;
    /** {@link #day(Instant)} of the last check: an array that is replaced, never changed. */
    private volatile long[] day;
    /** The zone's envelope (outdoor zones). */
    final double minX, minY, maxX, maxY;
    /** The zone's speed limit, {@code +Infinity} without one. */
    final double maxSpeed;
    /** The allowed task categories numbered below {@link #TASK_BITS} in the index's task numbers. */
    private final long taskMask;
    /** The required tiers, a bit per {@link Tier} ordinal. */
    final int requiredTiers;
    /** The position of the zone in {@link #PRECEDENCE} order among all zones of its index (set by the index). */
    int rank;
    private final boolean rectangle;
    final boolean publicSpace;
    final boolean hasWindows;

    // read on rarer paths
    final Zone zone;
    /** A PROHIBITED zone's line of explanation (the same for every check), else null. */
    final String prohibitedDetail;
    final Envelope envelope;
    private final PointOnGeometryLocator locator;
    private final ZoneRules rules;

    /**
     * @param taskNumbers a number for every task category of the index's zones and grants
     */
    CompiledZone(Zone zone, List<Grant> grants, Map<String, Integer> taskNumbers) {
        this.zone = zone;
        this.id = zone.id();
        this.prohibitedDetail = zone.kind() == ZoneKind.PROHIBITED
                ? GeofenceEngine.detail(Reason.PROHIBITED_ZONE, "zone " + zone.id() + " (" + zone.authority() + ") is PROHIBITED")
                : null;
        this.validFrom = zone.validFrom();
        this.validUntil = zone.validUntil();
        this.kind = zone.kind();
        this.publicSpace = zone.publicSpace();
        ZoneConditions c = zone.conditions();
        this.maxSpeed = c.maxSpeedMps() == null ? Double.POSITIVE_INFINITY : c.maxSpeedMps();
        this.allowedTasks = c.allowedTaskCategories().isEmpty() ? null : c.allowedTaskCategories();
        this.taskMask = taskMask(c.allowedTaskCategories(), taskNumbers);
        int tiers = 0;
        for (Tier t : c.requiredTiers()) {
            tiers |= 1 << t.ordinal();
        }
        this.requiredTiers = tiers;
        this.highestLevel = c.highestIntelligenceLevel();

        this.grants = grants.isEmpty() ? NO_GRANTS : grants.toArray(new Grant[0]);
        this.grantKeys = this.grants.length == 0 ? NO_LONGS : new long[2 * this.grants.length];
        for (int i = 0; i < this.grants.length; i++) {
            Grant g = this.grants[i];
            long who = g.robotId() != null ? GRANT_TO_ROBOT | g.robotId().hashCode() & 0xffffffffL
                    : g.operatorOrg() != null ? GRANT_TO_OPERATOR | g.operatorOrg().hashCode() & 0xffffffffL : 0;
            grantKeys[2 * i] = who | (g.validFrom() != null ? GRANT_HAS_START : 0);
            grantKeys[2 * i + 1] = taskMask(g.taskCategories(), taskNumbers);
        }

        this.hasWindows = !c.timeWindows().isEmpty();
        this.windows = c.timeWindows().isEmpty() ? NO_LONGS : new long[3 * c.timeWindows().size()];
        for (int i = 0; i < c.timeWindows().size(); i++) {
            TimeWindow w = c.timeWindows().get(i);
            for (DayOfWeek d : w.days()) {
                windows[3 * i] |= 1L << d.ordinal();
            }
            windows[3 * i + 1] = w.start().toNanoOfDay();
            windows[3 * i + 2] = w.end().toNanoOfDay();
        }
        this.rules = hasWindows ? c.timeZone().getRules() : null;

        if (zone.geometry() instanceof ZoneGeometry.Outdoor outdoor) {
            Geometry polygonal = outdoor.polygonal();
            envelope = polygonal.getEnvelopeInternal();
            minX = envelope.getMinX();
            minY = envelope.getMinY();
            maxX = envelope.getMaxX();
            maxY = envelope.getMaxY();
            rectangle = polygonal.isRectangle();
            rings = rectangle ? null : scannableRings(polygonal);
            if (rectangle || rings != null) {
                // checks never use the indexed locator of a rectangle or of a polygon they scan: not built (its
                // interval tree was over half of the index's memory, 110 MB at 100,000 zones)
                locator = null;
            } else {
                // built now (a first locate), so that concurrent checks never build or contend on it
                locator = new IndexedPointInAreaLocator(polygonal);
                locator.locate(new Coordinate(envelope.getMinX(), envelope.getMinY()));
            }
        } else {
            envelope = null;
            minX = minY = maxX = maxY = Double.NaN;
            rectangle = false;
            locator = null;
            rings = null;
        }
    }

    /** Bits of the tasks numbered below {@link #TASK_BITS}; {@link #ANY_TASK} for no tasks (any task). */
    private static long taskMask(Set<String> tasks, Map<String, Integer> taskNumbers) {
        if (tasks.isEmpty()) {
            return ANY_TASK;
        }
        long mask = 0;
        for (String task : tasks) {
            int n = taskNumbers.get(task);
            if (n < TASK_BITS) {
                mask |= 1L << n;
            }
        }
        return mask;
    }

    /**
     * Whether the tasks of a mask contain the task; {@code tasks} (the set the mask was made of) is read only
     * for a task numbered above the mask.
     *
     * @param taskNumber the task's number in the index's task numbers, -1 when no zone or grant names it
     */
    private static boolean contains(long mask, Set<String> tasks, String task, int taskNumber) {
        if ((mask & ANY_TASK) != 0) {
            return true;
        }
        if (taskNumber < 0) {
            return false;
        }
        if (taskNumber < TASK_BITS) {
            return (mask & 1L << taskNumber) != 0;
        }
        return tasks.contains(task);
    }

    /** Whether the allowed task categories (not empty) contain the task (a task number as in {@link #contains}). */
    boolean allowsTask(String task, int taskNumber) {
        return contains(taskMask, allowedTasks, task, taskNumber);
    }

    // ----------------------------------------------------------------------------------------------- geometry

    /**
     * The rings IndexedPointInAreaLocator indexes (every closed linear component), one after the other: the
     * number of doubles of the ring's coordinates, then its coordinates (x, y, x, y...); null when too many.
     */
    private static double[] scannableRings(Geometry polygonal) {
        List<LineString> closed = new ArrayList<>();
        int segments = 0;
        for (Object o : LinearComponentExtracter.getLines(polygonal)) {
            LineString ring = (LineString) o;
            if (ring.isClosed()) {
                closed.add(ring);
                segments += ring.getNumPoints() - 1;
            }
        }
        if (segments > SCAN_MAX_SEGMENTS) {
            return null;
        }
        double[] flat = new double[2 * (segments + closed.size()) + closed.size()];
        int k = 0;
        for (LineString ring : closed) {
            CoordinateSequence cs = ring.getCoordinateSequence();
            flat[k++] = 2 * cs.size();
            for (int i = 0; i < cs.size(); i++) {
                flat[k++] = cs.getX(i);
                flat[k++] = cs.getY(i);
            }
        }
        return flat;
    }

    /**
     * JTS "covers" (the interior and the boundary, holes' boundaries included, count as inside) for a position
     * already known to be in the zone's envelope (the index checked it).
     */
    boolean coversInEnvelope(double lon, double lat) {
        return coversInEnvelope(lon, lat, rings);
    }

    /**
     * {@link #coversInEnvelope(double, double)} given the zone's {@link #rings()} (the point grid keeps them
     * next to the zone, so that both are read at once).
     */
    boolean coversInEnvelope(double lon, double lat, double[] rings) {
        if (rectangle) {
            return true;
        }
        if (rings == null) {
            return locator.locate(new Coordinate(lon, lat)) != Location.EXTERIOR;
        }
        return scan(rings, lon, lat) != Location.EXTERIOR;
    }

    /** Whether this zone holds an indexed point locator (only a polygon too large to scan does). */
    boolean hasIndexedLocator() {
        return locator != null;
    }

    /** The rings of a polygon located by a scan of its segments, else null. */
    double[] rings() {
        return rings;
    }

    /**
     * {@code IndexedPointInAreaLocator.locate}: {@code RayCrossingCounter.countSegment} over every segment of
     * every ring (the interval tree only skips segments that the counter ignores: those not spanning the
     * point's y), stopping at the first segment the point is on.
     */
    private static int scan(double[] xy, double px, double py) {
        int crossings = 0;
        for (int start = 1, end; start < xy.length; start = end + 1) {
            end = start + (int) xy[start - 1];
            for (int i = start + 2; i < end; i += 2) {
                double x1 = xy[i - 2], y1 = xy[i - 1], x2 = xy[i], y2 = xy[i + 1];
                if (y1 < py && y2 < py || y1 > py && y2 > py) {
                    continue; // not spanning py: the interval tree would not visit it
                }
                if (x1 < px && x2 < px) {
                    continue; // strictly to the left
                }
                if (px == x2 && py == y2) {
                    return Location.BOUNDARY; // on the vertex
                }
                if (y1 == py && y2 == py) { // horizontal, on the ray's line
                    double minx = Math.min(x1, x2), maxx = Math.max(x1, x2);
                    if (px >= minx && px <= maxx) {
                        return Location.BOUNDARY;
                    }
                    continue;
                }
                if (y1 > py && y2 <= py || y2 > py && y1 <= py) {
                    int orient = CGAlgorithmsDD.orientationIndex(x1, y1, x2, y2, px, py);
                    if (orient == Orientation.COLLINEAR) {
                        return Location.BOUNDARY;
                    }
                    if (y2 < y1) {
                        orient = -orient;
                    }
                    if (orient == Orientation.LEFT) {
                        crossings++;
                    }
                }
            }
        }
        return (crossings & 1) == 1 ? Location.INTERIOR : Location.EXTERIOR;
    }

    // ------------------------------------------------------------------------------------------------- grants

    int grantCount() {
        return grants.length;
    }

    Grant grant(int i) {
        return grants[i];
    }

    /**
     * {@link Grant#covers} of the i-th grant. The grant itself is read only when its robot id or operator
     * org has the hash of the robot's.
     *
     * @param taskNumber the task's number in the index's task numbers, -1 when no zone or grant names it
     */
    boolean grantCovers(int i, RobotProjection robot, String task, int taskNumber, Instant at) {
        long who = grantKeys[2 * i];
        int hash = (int) who;
        if ((who & GRANT_TO_ROBOT) != 0) {
            if (hash != robot.robotId().hashCode()) {
                return false;
            }
        } else if ((who & GRANT_TO_OPERATOR) == 0 || robot.operatorOrg() == null || hash != robot.operatorOrg().hashCode()) {
            return false;
        }
        Grant g = grants[i];
        boolean byWho = g.robotId() != null ? g.robotId().equals(robot.robotId())
                : g.operatorOrg() != null && g.operatorOrg().equals(robot.operatorOrg());
        return byWho && contains(grantKeys[2 * i + 1], g.taskCategories(), task, taskNumber) && g.validAt(at);
    }

    /** The i-th grant's start when it is after the instant, else null. */
    Instant grantStartAfter(int i, Instant at) {
        if ((grantKeys[2 * i] & GRANT_HAS_START) == 0) {
            return null;
        }
        Instant from = grants[i].validFrom();
        return at.isBefore(from) ? from : null;
    }

    // -------------------------------------------------------------------------------------------- time windows

    /**
     * What the windows need of an instant, for the local day it falls on (see {@link #day(Instant)}):
     * {@code [first second, end second, zone offset (s), epoch day, end of each day's boundaries (day -1 to 8),
     * then (epoch second, nano) per boundary]}.
     */
    private static final int FROM = 0, UNTIL = 1, OFFSET = 2, EPOCH_DAY = 3, DAY_ENDS = 4;
    /** Window boundaries: of the day before a local day, the day itself and the 8 days after it. */
    private static final int DAYS = 10;
    private static final int BOUNDARIES = DAY_ENDS + DAYS;

    /**
     * The windows' view of the instant's local day, computed once per local day of the zone's time zone (and
     * kept until a check falls outside it): the epoch seconds over which the zone's offset and the local day
     * do not change, that offset (what {@code LocalDateTime.ofInstant} adds), the day, and the instants at
     * which the windows start or end around it, per day and window the start's then the end's instant, each
     * first at its earlier offset then at its later one (the same instant twice but in a fall-back overlap).
     */
    long[] day(Instant at) {
        long[] d = day;
        long second = at.getEpochSecond();
        if (d != null && second >= d[FROM] && second < d[UNTIL]) {
            return d;
        }
        d = newDay(at);
        day = d;
        return d;
    }

    private long[] newDay(Instant at) {
        // the offset depends on the epoch second alone, and holds from a second until the next transition
        long second = at.getEpochSecond();
        int offset = rules.getOffset(at).getTotalSeconds();
        long epochDay = Math.floorDiv(second + offset, SECONDS_PER_DAY);
        long dayStart = epochDay * SECONDS_PER_DAY - offset;
        long from = second;
        Instant start = Instant.ofEpochSecond(dayStart);
        if (rules.getOffset(start).getTotalSeconds() == offset && !transitionBefore(start, second)) {
            from = dayStart; // the offset holds since the local day began
        }
        ZoneOffsetTransition next = rules.nextTransition(Instant.ofEpochSecond(from));
        long until = dayStart + SECONDS_PER_DAY;
        if (next != null && next.toEpochSecond() < until) {
            until = next.toEpochSecond();
        }

        LocalDate today = LocalDate.ofEpochDay(epochDay);
        List<Instant> instants = new ArrayList<>();
        long[] ends = new long[DAYS];
        for (int k = -1; k <= 8; k++) {
            LocalDate day = today.plusDays(k);
            for (TimeWindow w : zone.conditions().timeWindows()) {
                if (!w.days().contains(day.getDayOfWeek())) {
                    continue;
                }
                both(day.atTime(w.start()), instants);
                both(day.atTime(w.end()), instants);
            }
            ends[k + 1] = BOUNDARIES + 2L * instants.size();
        }
        long[] d = new long[BOUNDARIES + 2 * instants.size()];
        d[FROM] = from;
        d[UNTIL] = until;
        d[OFFSET] = offset;
        d[EPOCH_DAY] = epochDay;
        System.arraycopy(ends, 0, d, DAY_ENDS, DAYS);
        for (int i = 0; i < instants.size(); i++) {
            d[BOUNDARIES + 2 * i] = instants.get(i).getEpochSecond();
            d[BOUNDARIES + 2 * i + 1] = instants.get(i).getNano();
        }
        return d;
    }

    /** Whether the zone's offset changes after {@code start} and at or before {@code second}. */
    private boolean transitionBefore(Instant start, long second) {
        ZoneOffsetTransition t = rules.nextTransition(start);
        return t != null && t.toEpochSecond() <= second;
    }

    /** A local time's instant, and its later instant when it happens twice (a fall-back overlap). */
    private void both(LocalDateTime local, List<Instant> out) {
        ZonedDateTime early = ZonedDateTime.ofLocal(local, zone.conditions().timeZone(), null);
        out.add(early.toInstant());
        out.add(early.withLaterOffsetAtOverlap().toInstant());
    }

    /**
     * Whether the instant is inside a window: {@link TimeWindow#contains} of the instant's local day of the
     * week and time ({@code LocalDateTime.ofInstant}), for each window.
     *
     * @param day {@link #day(Instant)}
     */
    boolean insideWindows(Instant at, long[] day) {
        long localSecond = at.getEpochSecond() + day[OFFSET];
        long nanoOfDay = Math.floorMod(localSecond, SECONDS_PER_DAY) * NANOS_PER_SECOND + at.getNano();
        long dayOfWeek = 1L << Math.floorMod(day[EPOCH_DAY] + 3, 7); // LocalDate.getDayOfWeek().ordinal()
        long[] w = windows;
        for (int i = 0; i < w.length; i += 3) {
            if ((w[i] & dayOfWeek) != 0 && nanoOfDay >= w[i + 1] && nanoOfDay < w[i + 2]) {
                return true;
            }
        }
        return false;
    }

    /**
     * The first instant after {@code at} at which a window starts or ends (in the zone's time zone;
     * a local time in a daylight-saving gap is taken as the instant the clocks jumped to, and a local time
     * that happens twice in a fall-back overlap gives both instants): the earliest boundary after the instant,
     * searched day by day from the day before the local day up to 8 days after it, stopping after the first
     * day from tomorrow on once one is found.
     *
     * @param day {@link #day(Instant)}
     */
    Instant nextWindowChange(Instant at, long[] day) {
        long atSecond = at.getEpochSecond();
        int atNano = at.getNano();
        boolean found = false;
        long bestSecond = 0, bestNano = 0;
        int i = BOUNDARIES;
        for (int k = 0; k < DAYS; k++) { // k = 0 is the day before
            for (int end = (int) day[DAY_ENDS + k]; i < end; i += 2) {
                long s = day[i], n = day[i + 1];
                if ((s > atSecond || s == atSecond && n > atNano)
                        && (!found || s < bestSecond || s == bestSecond && n < bestNano)) {
                    found = true;
                    bestSecond = s;
                    bestNano = n;
                }
            }
            if (found && k >= 2) {
                break;
            }
        }
        return found ? Instant.ofEpochSecond(bestSecond, bestNano) : null;
    }
}
