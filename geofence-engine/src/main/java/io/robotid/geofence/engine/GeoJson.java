package io.robotid.geofence.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.ArrayList;
import java.util.List;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.LinearRing;
import org.locationtech.jts.geom.Polygon;
import org.locationtech.jts.geom.PrecisionModel;

/**
 * GeoJSON (RFC 7946) Polygon and MultiPolygon geometry objects to JTS, with every problem reported as a
 * field violation naming the position: not JSON, wrong type, a position that is not 2 or 3 numbers, NaN or
 * infinite numbers, longitude outside [-180, 180] or latitude outside [-90, 90], a ring of fewer than 4
 * positions, an unclosed ring, more than {@link GeometryRules#MAX_VERTICES} positions in the zone, an edge
 * across the antimeridian, and the topology errors of JTS {@code IsValidOp} (self-intersection, hole
 * outside its shell, overlapping parts of a multipolygon...). Altitudes are accepted and ignored.
 */
public final class GeoJson {

    /** SRID 4326 (WGS84), floating precision; x = longitude, y = latitude. */
    public static final GeometryFactory FACTORY = new GeometryFactory(new PrecisionModel(), 4326);

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS) // so that NaN / Infinity are named as such
            .build();

    private GeoJson() {
    }

    /** Parses and validates; throws {@link ValidationException} with every violation found. */
    public static Geometry parse(String json, String field) {
        Violations v = new Violations();
        Geometry g = parse(json, field, v);
        v.throwIfAny();
        return g;
    }

    /** Parses and validates; adds the violations found and answers {@code null} when there is any. */
    public static Geometry parse(String json, String field, Violations v) {
        int before = v.size();
        if (json == null || json.isBlank()) {
            v.add(field, "is required: a GeoJSON Polygon or MultiPolygon");
            return null;
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            v.add(field, "is not valid JSON: " + e.getOriginalMessage());
            return null;
        }
        if (root == null || !root.isObject()) {
            v.add(field, "must be a GeoJSON geometry object");
            return null;
        }
        JsonNode type = root.get("type");
        JsonNode coords = root.get("coordinates");
        String path = field + ".coordinates";
        Counter count = new Counter();
        List<List<Coordinate[]>> polygons = new ArrayList<>();
        if (type == null || !type.isTextual()) {
            v.add(field + ".type", "is required: Polygon or MultiPolygon");
            return null;
        }
        if (coords == null || !coords.isArray()) {
            v.add(path, "must be an array");
            return null;
        }
        switch (type.asText()) {
            case "Polygon" -> polygons.add(polygon(coords, path, v, count));
            case "MultiPolygon" -> {
                if (coords.isEmpty()) {
                    v.add(path, "a MultiPolygon needs at least one polygon");
                }
                for (int p = 0; p < coords.size(); p++) {
                    JsonNode poly = coords.get(p);
                    if (!poly.isArray()) {
                        v.add(path + "[" + p + "]", "must be an array of rings");
                        continue;
                    }
                    polygons.add(polygon(poly, path + "[" + p + "]", v, count));
                }
            }
            default -> {
                v.add(field + ".type", "must be Polygon or MultiPolygon, not " + type.asText());
                return null;
            }
        }
        if (count.n > GeometryRules.MAX_VERTICES) {
            v.add(path, "has " + count.n + " positions; a zone may have at most " + GeometryRules.MAX_VERTICES);
        }
        if (v.size() > before) {
            return null;
        }
        Polygon[] built = new Polygon[polygons.size()];
        for (int p = 0; p < built.length; p++) {
            List<Coordinate[]> rings = polygons.get(p);
            String polyPath = type.asText().equals("Polygon") ? path : path + "[" + p + "]";
            for (int r = 0; r < rings.size(); r++) {
                GeometryRules.antimeridian(rings.get(r), polyPath + "[" + r + "]", v);
            }
            LinearRing shell = FACTORY.createLinearRing(rings.get(0));
            LinearRing[] holes = new LinearRing[rings.size() - 1];
            for (int r = 1; r < rings.size(); r++) {
                holes[r - 1] = FACTORY.createLinearRing(rings.get(r));
            }
            built[p] = FACTORY.createPolygon(shell, holes);
        }
        Geometry g = type.asText().equals("Polygon") ? built[0] : FACTORY.createMultiPolygon(built);
        if (v.size() > before) {
            return null;
        }
        GeometryRules.topology(g, field, v);
        return v.size() > before ? null : g;
    }

    private static final class Counter {
        int n;
    }

    private static List<Coordinate[]> polygon(JsonNode rings, String path, Violations v, Counter count) {
        List<Coordinate[]> out = new ArrayList<>();
        if (rings.isEmpty()) {
            v.add(path, "a polygon needs at least its outer ring");
        }
        for (int r = 0; r < rings.size(); r++) {
            out.add(ring(rings.get(r), path + "[" + r + "]", v, count));
        }
        return out;
    }

    private static Coordinate[] ring(JsonNode ring, String path, Violations v, Counter count) {
        if (!ring.isArray()) {
            v.add(path, "must be an array of positions");
            return new Coordinate[0];
        }
        Coordinate[] out = new Coordinate[ring.size()];
        boolean positionsOk = true;
        for (int i = 0; i < ring.size(); i++) {
            count.n++;
            String p = path + "[" + i + "]";
            JsonNode pos = ring.get(i);
            if (!pos.isArray() || pos.size() < 2 || pos.size() > 3 || !pos.get(0).isNumber() || !pos.get(1).isNumber()
                    || pos.size() == 3 && !pos.get(2).isNumber()) {
                v.add(p, "must be a position [longitude, latitude] of numbers");
                positionsOk = false;
                continue;
            }
            double lon = pos.get(0).asDouble();
            double lat = pos.get(1).asDouble();
            positionsOk &= GeometryRules.coordinate(lon, lat, p, v);
            out[i] = new Coordinate(lon, lat);
        }
        if (ring.size() < 4) {
            v.add(path, "ring has " + ring.size() + " positions; a ring needs at least 4 (the first repeated as the last)");
        } else if (positionsOk && !out[0].equals2D(out[out.length - 1])) {
            v.add(path, "ring is not closed: the first position " + GeometryRules.format(out[0])
                    + " differs from the last " + GeometryRules.format(out[out.length - 1]));
        }
        return out;
    }
}
