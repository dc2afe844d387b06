package io.robotid.geofence.engine;

import org.locationtech.jts.geom.Geometry;

/** Where a zone is: an outdoor WGS84 polygon or multipolygon, or an indoor place of a venue. */
public sealed interface ZoneGeometry {

    /**
     * A JTS Polygon or MultiPolygon in WGS84, x = longitude, y = latitude (build it with
     * {@link GeoJson#parse(String, String)}, which validates it). Treated as immutable: do not change
     * its coordinates after handing it over.
     */
    record Outdoor(Geometry polygonal) implements ZoneGeometry {
    }

    /**
     * An indoor place. {@code floor == null} covers the whole venue; {@code zoneCode == null} the whole
     * floor. Names are compared exactly (case-sensitive).
     */
    record Indoor(String venue, String floor, String zoneCode) implements ZoneGeometry {
    }
}
