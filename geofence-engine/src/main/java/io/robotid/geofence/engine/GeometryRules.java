package io.robotid.geofence.engine;

import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.MultiPolygon;
import org.locationtech.jts.geom.Polygon;
import org.locationtech.jts.operation.valid.IsValidOp;
import org.locationtech.jts.operation.valid.TopologyValidationError;

/** The rules an outdoor zone's geometry must keep (see docs/geofence.md). */
public final class GeometryRules {

    /** Positions per zone, every ring's closing position included. */
    public static final int MAX_VERTICES = 10_000;

    private GeometryRules() {
    }

    /** Validates a JTS geometry handed over directly (not through {@link GeoJson}). */
    public static void check(Geometry g, String field, Violations v) {
        if (g == null) {
            v.add(field, "is required");
            return;
        }
        if (!(g instanceof Polygon || g instanceof MultiPolygon)) {
            v.add(field, "must be a Polygon or MultiPolygon, not " + g.getGeometryType());
            return;
        }
        if (g.isEmpty()) {
            v.add(field, "must not be empty");
            return;
        }
        int before = v.size();
        Coordinate[] all = g.getCoordinates();
        if (all.length > MAX_VERTICES) {
            v.add(field, "has " + all.length + " positions; a zone may have at most " + MAX_VERTICES);
        }
        for (int i = 0; i < all.length; i++) {
            if (!coordinate(all[i].x, all[i].y, field + ".positions[" + i + "]", v) && v.size() - before > 20) {
                break;
            }
        }
        if (v.size() > before) {
            return;
        }
        for (int p = 0; p < g.getNumGeometries(); p++) {
            Polygon poly = (Polygon) g.getGeometryN(p);
            String path = field + (g instanceof MultiPolygon ? ".coordinates[" + p + "]" : ".coordinates");
            antimeridian(poly.getExteriorRing().getCoordinates(), path + "[0]", v);
            for (int h = 0; h < poly.getNumInteriorRing(); h++) {
                antimeridian(poly.getInteriorRingN(h).getCoordinates(), path + "[" + (h + 1) + "]", v);
            }
        }
        if (v.size() == before) {
            topology(g, field, v);
        }
    }

    /** NaN, infinity and range of one position; answers whether it is fine. */
    static boolean coordinate(double lon, double lat, String field, Violations v) {
        boolean ok = true;
        if (Double.isNaN(lon) || Double.isNaN(lat)) {
            v.add(field, "NaN is not a coordinate");
            return false;
        }
        if (Double.isInfinite(lon) || Double.isInfinite(lat)) {
            v.add(field, "an infinite number is not a coordinate");
            return false;
        }
        if (lon < -180 || lon > 180) {
            v.add(field, "longitude " + lon + " is out of range [-180, 180]");
            ok = false;
        }
        if (lat < -90 || lat > 90) {
            v.add(field, "latitude " + lat + " is out of range [-90, 90]");
            ok = false;
        }
        return ok;
    }

    /**
     * The antimeridian rule: no edge may span more than 180 degrees of longitude. Such an edge means the
     * ring crosses the antimeridian, which a planar geometry would read as the long way round the earth;
     * the zone is refused and must be sent as a MultiPolygon split at +/-180 (RFC 7946 section 3.1.9).
     */
    static void antimeridian(Coordinate[] ring, String field, Violations v) {
        for (int i = 1; i < ring.length; i++) {
            if (Math.abs(ring[i].x - ring[i - 1].x) > 180) {
                v.add(field, "the edge from " + format(ring[i - 1]) + " to " + format(ring[i])
                        + " crosses the antimeridian (spans more than 180 degrees of longitude): split the zone at"
                        + " longitude +/-180 into a MultiPolygon (RFC 7946 section 3.1.9)");
                return;
            }
        }
    }

    static void topology(Geometry g, String field, Violations v) {
        TopologyValidationError err = new IsValidOp(g).getValidationError();
        if (err == null) {
            return;
        }
        String where = err.getCoordinate() == null ? "" : " at " + format(err.getCoordinate());
        String what = switch (err.getErrorType()) {
            case TopologyValidationError.SELF_INTERSECTION, TopologyValidationError.RING_SELF_INTERSECTION ->
                    "self-intersection";
            case TopologyValidationError.HOLE_OUTSIDE_SHELL -> "a hole lies outside its shell";
            case TopologyValidationError.NESTED_HOLES -> "a hole lies inside another hole";
            case TopologyValidationError.NESTED_SHELLS -> "polygons of the multipolygon are nested";
            case TopologyValidationError.DISCONNECTED_INTERIOR -> "the interior is disconnected (holes cut it apart)";
            case TopologyValidationError.DUPLICATE_RINGS -> "duplicate rings";
            case TopologyValidationError.TOO_FEW_POINTS -> "too few distinct points in a ring";
            case TopologyValidationError.RING_NOT_CLOSED -> "ring is not closed";
            default -> err.getMessage();
        };
        v.add(field, "invalid geometry: " + what + where);
    }

    static String format(Coordinate c) {
        return "(" + c.x + ", " + c.y + ")";
    }
}
