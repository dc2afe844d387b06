package io.robotid.geofence.engine;

import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Robots, zones and grants for the tests. */
final class Fixtures {

    /** A Monday, 12:00 in Berlin (CEST). */
    static final Instant NOW = Instant.parse("2025-06-02T10:00:00Z");
    static final String ROBOT_ID = "R-0001";
    static final String OPERATOR = "op-1";
    /** A point in Berlin, and a 0.01-degree square zone around it. */
    static final double LAT = 52.52;
    static final double LON = 13.40;

    private Fixtures() {
    }

    static final class RobotBuilder {
        String id = ROBOT_ID;
        boolean known = true;
        RobotStatus status = RobotStatus.IN_SERVICE;
        boolean suspended;
        int recalls;
        Map<Tier, CertifiedTier> certs = new EnumMap<>(Tier.class);
        IntelligenceLevel level = IntelligenceLevel.L2;
        String operator = OPERATOR;

        RobotBuilder tiers(Tier... tiers) {
            certs.clear();
            for (Tier t : tiers) {
                certs.put(t, CertifiedTier.of(t));
            }
            return this;
        }

        RobotBuilder without(Tier t) {
            certs.remove(t);
            return this;
        }

        RobotBuilder cert(CertifiedTier c) {
            certs.put(c.tier(), c);
            return this;
        }

        RobotBuilder status(RobotStatus s) {
            status = s;
            return this;
        }

        RobotBuilder suspended() {
            suspended = true;
            return this;
        }

        RobotBuilder recalls(int n) {
            recalls = n;
            return this;
        }

        RobotBuilder level(IntelligenceLevel l) {
            level = l;
            return this;
        }

        RobotBuilder operator(String o) {
            operator = o;
            return this;
        }

        RobotProjection build() {
            return known ? new RobotProjection(id, true, status, suspended, recalls, certs, level, operator)
                    : RobotProjection.unknown(id);
        }
    }

    /** IN_SERVICE, level L2, operator op-1, every tier certified without conditions. */
    static RobotBuilder robot() {
        return new RobotBuilder().tiers(Tier.values());
    }

    static String squareJson(double minLon, double minLat, double size) {
        double a = minLon, b = minLat, c = minLon + size, d = minLat + size;
        return String.format(Locale.ROOT,
                "{\"type\":\"Polygon\",\"coordinates\":[[[%s,%s],[%s,%s],[%s,%s],[%s,%s],[%s,%s]]]}", a, b, c, b, c, d, a, d, a, b);
    }

    static ZoneGeometry.Outdoor square(double minLon, double minLat, double size) {
        return new ZoneGeometry.Outdoor(GeoJson.parse(squareJson(minLon, minLat, size), "geometry"));
    }

    static ZoneGeometry.Outdoor geo(String json) {
        return new ZoneGeometry.Outdoor(GeoJson.parse(json, "geometry"));
    }

    /** A zone around (LAT, LON). */
    static Zone zone(String id, ZoneKind kind, ZoneConditions conditions) {
        return new Zone(id, "authority-" + id, kind, square(LON - 0.005, LAT - 0.005, 0.01), 0, null, null, false, false,
                conditions);
    }

    static Zone zone(String id, ZoneKind kind) {
        return zone(id, kind, ZoneConditions.NONE);
    }

    static Zone publicZone(String id) {
        return new Zone(id, "city", ZoneKind.CONDITIONAL, square(LON - 0.005, LAT - 0.005, 0.01), 0, null, null, true, false,
                ZoneConditions.NONE);
    }

    static Zone withValidity(Zone z, Instant from, Instant until) {
        return new Zone(z.id(), z.authority(), z.kind(), z.geometry(), z.precedence(), from, until, z.publicSpace(),
                z.safeForOffline(), z.conditions());
    }

    static Zone withPrecedence(Zone z, int precedence) {
        return new Zone(z.id(), z.authority(), z.kind(), z.geometry(), precedence, z.validFrom(), z.validUntil(),
                z.publicSpace(), z.safeForOffline(), z.conditions());
    }

    static Grant robotGrant(String zoneId, String... tasks) {
        return new Grant("g-" + zoneId, zoneId, ROBOT_ID, null, java.util.Set.of(tasks), null, null);
    }

    static Grant operatorGrant(String zoneId, String operator, String... tasks) {
        return new Grant("g-op-" + zoneId, zoneId, null, operator, java.util.Set.of(tasks), null, null);
    }

    static ZoneIndex index(List<Zone> zones, List<Grant> grants) {
        return ZoneIndex.build(1, zones, grants);
    }

    static Decision decide(RobotProjection robot, List<Zone> zones, List<Grant> grants, String task) {
        return new GeofenceEngine().decide(index(zones, grants), CheckRequest.outdoor(robot, LAT, LON, task, NOW));
    }
}
