package io.robotid.geofence.offline;

import io.robotid.evidence.verify.Rejected;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.robotid.geofence.engine.CertifiedTier;
import io.robotid.geofence.engine.Environment;
import io.robotid.geofence.engine.GeoJson;
import io.robotid.geofence.engine.Grant;
import io.robotid.geofence.engine.IntelligenceLevel;
import io.robotid.geofence.engine.OperatingConditions;
import io.robotid.geofence.engine.RobotProjection;
import io.robotid.geofence.engine.RobotStatus;
import io.robotid.geofence.engine.Tier;
import io.robotid.geofence.engine.TimeWindow;
import io.robotid.geofence.engine.Zone;
import io.robotid.geofence.engine.ZoneConditions;
import io.robotid.geofence.engine.ZoneGeometry;
import io.robotid.geofence.engine.ZoneKind;
import java.nio.charset.StandardCharsets;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.LineString;
import org.locationtech.jts.geom.MultiPolygon;
import org.locationtech.jts.geom.Polygon;

/**
 * The bundle's bytes: JSON (UTF-8) with members in a fixed order, instants as ISO-8601 UTC, geometries as
 * GeoJSON. The service writes them once and signs them; a robot keeps them as they are and reads them back
 * only after the signature checked out ({@link OfflineBundle}).
 */
public final class BundleCodec {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private BundleCodec() {
    }

    public static byte[] write(PermissionBundle b) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("format", PermissionBundle.FORMAT);
        root.put("robot_id", b.robotId());
        root.put("issued_at", b.issuedAt().toString());
        root.put("expires_at", b.expiresAt().toString());
        root.put("policy_version", b.policyVersion());
        ObjectNode region = root.putObject("region");
        if (b.region().isVenue()) {
            region.put("venue", b.region().venue());
        } else {
            region.put("min_latitude", b.region().minLat());
            region.put("min_longitude", b.region().minLon());
            region.put("max_latitude", b.region().maxLat());
            region.put("max_longitude", b.region().maxLon());
        }
        ObjectNode fallback = root.putObject("fallback");
        fallback.put("rule", b.fallback().rule());
        fallback.put("max_speed_m_per_s", b.fallback().maxSpeedMps());
        robot(root.putObject("robot"), b.robot());
        ArrayNode zones = root.putArray("zones");
        b.zones().forEach(z -> zone(zones.addObject(), z));
        ArrayNode grants = root.putArray("grants");
        b.grants().forEach(g -> grant(grants.addObject(), g));
        try {
            return MAPPER.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a bundle", e);
        }
    }

    private static void robot(ObjectNode o, RobotProjection r) {
        o.put("robot_id", r.robotId());
        o.put("known", r.known());
        putEnum(o, "status", r.status());
        o.put("suspended", r.suspended());
        o.put("open_stop_use_recalls", r.openStopUseRecalls());
        putEnum(o, "intelligence_level", r.intelligenceLevel());
        o.put("operator_org_id", r.operatorOrg());
        ArrayNode tiers = o.putArray("certifications");
        for (CertifiedTier c : r.certifications().values()) {
            ObjectNode t = tiers.addObject();
            t.put("tier", c.tier().name());
            putInstant(t, "valid_from", c.validFrom());
            putInstant(t, "valid_until", c.validUntil());
            t.put("no_task_category_allowed", c.noTaskCategoryAllowed());
            OperatingConditions oc = c.conditions();
            ObjectNode cond = t.putObject("conditions");
            cond.put("max_speed_m_per_s", oc.maxSpeedMps());
            cond.put("max_payload_kg", oc.maxPayloadKg());
            putEnum(cond, "environment", oc.environment());
            cond.put("people_nearby_allowed", oc.peopleNearbyAllowed());
            strings(cond.putArray("allowed_task_categories"), oc.allowedTaskCategories());
        }
    }

    private static void zone(ObjectNode o, Zone z) {
        o.put("id", z.id());
        o.put("authority", z.authority());
        o.put("kind", z.kind().name());
        if (z.geometry() instanceof ZoneGeometry.Indoor in) {
            ObjectNode i = o.putObject("indoor");
            i.put("venue", in.venue());
            i.put("floor", in.floor());
            i.put("zone_code", in.zoneCode());
        } else if (z.geometry() instanceof ZoneGeometry.Outdoor out) {
            o.set("geometry", geoJson(out.polygonal()));
        }
        o.put("precedence", z.precedence());
        putInstant(o, "valid_from", z.validFrom());
        putInstant(o, "valid_until", z.validUntil());
        o.put("public_space", z.publicSpace());
        o.put("safe_for_offline", z.safeForOffline());
        ZoneConditions c = z.conditions();
        ObjectNode cond = o.putObject("conditions");
        cond.put("max_speed_m_per_s", c.maxSpeedMps());
        strings(cond.putArray("allowed_task_categories"), c.allowedTaskCategories());
        ArrayNode tiers = cond.putArray("required_tiers");
        c.requiredTiers().forEach(t -> tiers.add(t.name()));
        putEnum(cond, "highest_intelligence_level", c.highestIntelligenceLevel());
        ArrayNode windows = cond.putArray("time_windows");
        for (TimeWindow w : c.timeWindows()) {
            ObjectNode wo = windows.addObject();
            ArrayNode days = wo.putArray("days");
            w.days().stream().sorted().forEach(d -> days.add(d.name()));
            wo.put("start", w.start().toString());
            wo.put("end", w.end().toString());
        }
        cond.put("time_zone", c.timeZone() == null ? null : c.timeZone().getId());
    }

    private static void grant(ObjectNode o, Grant g) {
        o.put("id", g.id());
        o.put("zone_id", g.zoneId());
        o.put("robot_id", g.robotId());
        o.put("operator_org_id", g.operatorOrg());
        strings(o.putArray("task_categories"), g.taskCategories());
        putInstant(o, "valid_from", g.validFrom());
        putInstant(o, "valid_until", g.validUntil());
    }

    /** GeoJSON of a JTS Polygon or MultiPolygon ({@code [longitude, latitude]} positions). */
    public static ObjectNode geoJson(Geometry g) {
        ObjectNode o = MAPPER.createObjectNode();
        if (g instanceof Polygon p) {
            o.put("type", "Polygon");
            polygon(o.putArray("coordinates"), p);
        } else if (g instanceof MultiPolygon mp) {
            o.put("type", "MultiPolygon");
            ArrayNode polys = o.putArray("coordinates");
            for (int i = 0; i < mp.getNumGeometries(); i++) {
                polygon(polys.addArray(), (Polygon) mp.getGeometryN(i));
            }
        } else {
            throw new IllegalArgumentException("not a Polygon or MultiPolygon: " + g.getGeometryType());
        }
        return o;
    }

    private static void polygon(ArrayNode rings, Polygon p) {
        ring(rings.addArray(), p.getExteriorRing());
        for (int i = 0; i < p.getNumInteriorRing(); i++) {
            ring(rings.addArray(), p.getInteriorRingN(i));
        }
    }

    private static void ring(ArrayNode out, LineString ring) {
        for (Coordinate c : ring.getCoordinates()) {
            out.addArray().add(c.x).add(c.y);
        }
    }

    // ------------------------------------------------------------------------------------------- reading

    /** Reads bundle bytes; throws {@link Rejected} (MALFORMED) when they are not a bundle. */
    public static PermissionBundle read(byte[] bytes) throws Rejected {
        try {
            JsonNode root = MAPPER.readTree(bytes);
            if (root == null || !PermissionBundle.FORMAT.equals(text(root, "format"))) {
                throw new Rejected(Rejected.Why.MALFORMED, "not a " + PermissionBundle.FORMAT);
            }
            JsonNode region = root.path("region");
            PermissionBundle.Region r = region.hasNonNull("venue") ? PermissionBundle.Region.venue(region.get("venue").asText())
                    : PermissionBundle.Region.box(region.path("min_latitude").asDouble(), region.path("min_longitude").asDouble(),
                            region.path("max_latitude").asDouble(), region.path("max_longitude").asDouble());
            JsonNode fb = root.path("fallback");
            PermissionBundle.Fallback fallback = new PermissionBundle.Fallback(text(fb, "rule"),
                    fb.path("max_speed_m_per_s").asDouble());
            List<Zone> zones = new ArrayList<>();
            for (JsonNode z : root.path("zones")) {
                zones.add(zone(z));
            }
            List<Grant> grants = new ArrayList<>();
            for (JsonNode g : root.path("grants")) {
                grants.add(new Grant(text(g, "id"), text(g, "zone_id"), text(g, "robot_id"), text(g, "operator_org_id"),
                        stringSet(g.path("task_categories")), instant(g, "valid_from"), instant(g, "valid_until")));
            }
            return new PermissionBundle(text(root, "robot_id"), instant(root, "issued_at"), instant(root, "expires_at"),
                    root.path("policy_version").asLong(), r, fallback, robot(root.path("robot")), zones, grants);
        } catch (java.io.IOException | RuntimeException e) {
            throw new Rejected(Rejected.Why.MALFORMED, "unreadable bundle: " + e.getMessage());
        }
    }

    private static RobotProjection robot(JsonNode o) {
        Map<Tier, CertifiedTier> tiers = new EnumMap<>(Tier.class);
        for (JsonNode t : o.path("certifications")) {
            JsonNode c = t.path("conditions");
            OperatingConditions oc = new OperatingConditions(dbl(c, "max_speed_m_per_s"), dbl(c, "max_payload_kg"),
                    enumOf(Environment.class, text(c, "environment")),
                    c.hasNonNull("people_nearby_allowed") ? c.get("people_nearby_allowed").asBoolean() : null,
                    stringSet(c.path("allowed_task_categories")));
            Tier tier = Tier.valueOf(text(t, "tier"));
            tiers.put(tier, new CertifiedTier(tier, oc, instant(t, "valid_from"), instant(t, "valid_until"),
                    t.path("no_task_category_allowed").asBoolean()));
        }
        return new RobotProjection(text(o, "robot_id"), o.path("known").asBoolean(),
                enumOf(RobotStatus.class, text(o, "status")), o.path("suspended").asBoolean(),
                o.path("open_stop_use_recalls").asInt(), tiers, enumOf(IntelligenceLevel.class, text(o, "intelligence_level")),
                text(o, "operator_org_id"));
    }

    private static Zone zone(JsonNode o) {
        ZoneGeometry geometry;
        if (o.hasNonNull("indoor")) {
            JsonNode i = o.get("indoor");
            geometry = new ZoneGeometry.Indoor(text(i, "venue"), text(i, "floor"), text(i, "zone_code"));
        } else {
            geometry = new ZoneGeometry.Outdoor(GeoJson.parse(o.path("geometry").toString(), "geometry"));
        }
        JsonNode c = o.path("conditions");
        List<TimeWindow> windows = new ArrayList<>();
        for (JsonNode w : c.path("time_windows")) {
            Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
            w.path("days").forEach(d -> days.add(DayOfWeek.valueOf(d.asText())));
            windows.add(new TimeWindow(days, LocalTime.parse(text(w, "start")), LocalTime.parse(text(w, "end"))));
        }
        Set<Tier> required = EnumSet.noneOf(Tier.class);
        c.path("required_tiers").forEach(t -> required.add(Tier.valueOf(t.asText())));
        String tz = text(c, "time_zone");
        ZoneConditions conditions = new ZoneConditions(dbl(c, "max_speed_m_per_s"), stringSet(c.path("allowed_task_categories")),
                required, enumOf(IntelligenceLevel.class, text(c, "highest_intelligence_level")), windows,
                tz == null ? null : ZoneId.of(tz));
        return new Zone(text(o, "id"), text(o, "authority"), ZoneKind.valueOf(text(o, "kind")), geometry,
                o.path("precedence").asInt(), instant(o, "valid_from"), instant(o, "valid_until"),
                o.path("public_space").asBoolean(), o.path("safe_for_offline").asBoolean(), conditions);
    }

    private static void putInstant(ObjectNode o, String name, Instant i) {
        o.put(name, i == null ? null : i.toString());
    }

    private static void putEnum(ObjectNode o, String name, Enum<?> e) {
        o.put(name, e == null ? null : e.name());
    }

    private static void strings(ArrayNode out, Set<String> values) {
        values.stream().sorted().forEach(out::add);
    }

    private static String text(JsonNode o, String name) {
        JsonNode n = o.get(name);
        return n == null || n.isNull() ? null : n.asText();
    }

    private static Double dbl(JsonNode o, String name) {
        JsonNode n = o.get(name);
        return n == null || n.isNull() ? null : n.asDouble();
    }

    private static Instant instant(JsonNode o, String name) {
        String t = text(o, name);
        return t == null ? null : Instant.parse(t);
    }

    private static <E extends Enum<E>> E enumOf(Class<E> type, String name) {
        return name == null ? null : Enum.valueOf(type, name);
    }

    private static Set<String> stringSet(JsonNode array) {
        Set<String> out = new LinkedHashSet<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
