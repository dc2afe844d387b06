package io.robotid.geofence.engine;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.util.Comparator;
import java.util.List;
import org.locationtech.jts.algorithm.locate.PointOnGeometryLocator;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Location;
import org.locationtech.jts.geom.prep.PreparedGeometry;
import org.locationtech.jts.geom.prep.PreparedGeometryFactory;
import org.locationtech.jts.geom.prep.PreparedPolygon;

/** A zone ready for checks: its prepared geometry's point locator, its grants, its windows. */
final class CompiledZone {

    static final Comparator<CompiledZone> PRECEDENCE = Comparator.<CompiledZone>comparingInt(z -> -z.zone.precedence())
            .thenComparing(z -> z.zone.id());

    final Zone zone;
    final Envelope envelope;
    final PreparedGeometry prepared;
    private final PointOnGeometryLocator locator;
    private final boolean rectangle;
    final List<Grant> grants;

    CompiledZone(Zone zone, List<Grant> grants) {
        this.zone = zone;
        this.grants = List.copyOf(grants);
        if (zone.geometry() instanceof ZoneGeometry.Outdoor outdoor) {
            envelope = outdoor.polygonal().getEnvelopeInternal();
            rectangle = outdoor.polygonal().isRectangle();
            prepared = PreparedGeometryFactory.prepare(outdoor.polygonal());
            // PreparedPolygon.getPointLocator() is synchronized and lazy: take it once here, and build its
            // index now (a first locate), so that concurrent checks never contend on it.
            locator = ((PreparedPolygon) prepared).getPointLocator();
            locator.locate(new Coordinate(envelope.getMinX(), envelope.getMinY()));
        } else {
            envelope = null;
            rectangle = false;
            prepared = null;
            locator = null;
        }
    }

    /** JTS "covers": the interior and the boundary (holes' boundaries included) count as inside. */
    boolean covers(double lon, double lat) {
        if (!envelope.covers(lon, lat)) {
            return false;
        }
        return rectangle || locator.locate(new Coordinate(lon, lat)) != Location.EXTERIOR;
    }

    boolean insideWindows(Instant at) {
        ZoneConditions c = zone.conditions();
        if (c.timeWindows().isEmpty()) {
            return true;
        }
        LocalDateTime local = LocalDateTime.ofInstant(at, c.timeZone());
        DayOfWeek day = local.getDayOfWeek();
        LocalTime time = local.toLocalTime();
        for (TimeWindow w : c.timeWindows()) {
            if (w.contains(day, time)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The first instant after {@code at} at which a window starts or ends (in the zone's time zone;
     * a local time in a daylight-saving gap is taken as the instant the clocks jumped to, and a local time
     * that happens twice in a fall-back overlap gives both instants). {@code null} without windows.
     */
    Instant nextWindowChange(Instant at) {
        ZoneConditions c = zone.conditions();
        if (c.timeWindows().isEmpty()) {
            return null;
        }
        LocalDate today = LocalDateTime.ofInstant(at, c.timeZone()).toLocalDate();
        Instant best = null;
        for (int k = -1; k <= 8; k++) {
            LocalDate day = today.plusDays(k);
            for (TimeWindow w : c.timeWindows()) {
                if (!w.days().contains(day.getDayOfWeek())) {
                    continue;
                }
                best = earliestAfter(best, day.atTime(w.start()), at);
                best = earliestAfter(best, day.atTime(w.end()), at);
            }
            if (best != null && k >= 1) {
                break;
            }
        }
        return best;
    }

    private Instant earliestAfter(Instant best, LocalDateTime local, Instant at) {
        ZonedDateTime early = ZonedDateTime.ofLocal(local, zone.conditions().timeZone(), null);
        for (Instant i : new Instant[] { early.toInstant(), early.withLaterOffsetAtOverlap().toInstant() }) {
            if (i.isAfter(at) && (best == null || i.isBefore(best))) {
                best = i;
            }
        }
        return best;
    }
}
