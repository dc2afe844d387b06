package io.robotid.geofence.domain;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import com.google.protobuf.Timestamp;

import io.robotid.geofence.engine.FieldViolation;
import io.robotid.geofence.engine.GeoJson;
import io.robotid.geofence.engine.Grant;
import io.robotid.geofence.engine.IntelligenceLevel;
import io.robotid.geofence.engine.Tier;
import io.robotid.geofence.engine.TimeWindow;
import io.robotid.geofence.engine.Validation;
import io.robotid.geofence.engine.Violations;
import io.robotid.geofence.engine.Zone;
import io.robotid.geofence.engine.ZoneConditions;
import io.robotid.geofence.engine.ZoneGeometry;
import io.robotid.geofence.engine.ZoneKind;
import io.robotid.kit.error.DomainException;
import io.robotid.proto.geofence.v1.ZoneDefinition;
import io.robotid.proto.geofence.v1.Weekday;

import org.locationtech.jts.geom.Geometry;

/**
 * Zone definitions and grants as the gRPC contract states them, turned into the decision engine's
 * values, with every violation named by its field path (snake_case, as in the proto).
 */
public final class ZoneDefinitions {
    public static final int MAX_NAME_LENGTH = 200;
    public static final int MAX_PRECEDENCE = 1_000_000;

    private ZoneDefinitions() {
    }

    /**
     * The engine zone of a definition, validated; throws INVALID_ARGUMENT with every violation.
     *
     * @param field the request field holding the definition (e.g. "zone")
     */
    public static Zone toZone(String zoneId, String authority, ZoneDefinition d, String field) {
        Violations v = new Violations();
        String p = field + ".";
        if (d.getName().isBlank()) {
            v.add(p + "name", "is required (1.." + MAX_NAME_LENGTH + " characters)");
        } else if (d.getName().length() > MAX_NAME_LENGTH) {
            v.add(p + "name", "is " + d.getName().length() + " characters long; at most " + MAX_NAME_LENGTH);
        }
        ZoneKind kind = switch (d.getKind()) {
            case ZONE_KIND_PROHIBITED -> ZoneKind.PROHIBITED;
            case ZONE_KIND_RESTRICTED -> ZoneKind.RESTRICTED;
            case ZONE_KIND_CONDITIONAL -> ZoneKind.CONDITIONAL;
            default -> {
                v.add(p + "kind", "is required: ZONE_KIND_PROHIBITED, ZONE_KIND_RESTRICTED or ZONE_KIND_CONDITIONAL");
                yield null;
            }
        };
        if (Math.abs(d.getPrecedence()) > MAX_PRECEDENCE) {
            v.add(p + "precedence", "must be within +/-" + MAX_PRECEDENCE);
        }
        ZoneGeometry geometry = null;
        switch (d.getAreaCase()) {
            case GEOJSON -> {
                Geometry g = GeoJson.parse(d.getGeojson(), p + "geojson", v);
                geometry = g == null ? null : new ZoneGeometry.Outdoor(g);
            }
            case INDOOR -> geometry = new ZoneGeometry.Indoor(d.getIndoor().getVenue().isBlank() ? null : d.getIndoor().getVenue(),
                    emptyToNull(d.getIndoor().getFloor()), emptyToNull(d.getIndoor().getZoneCode()));
            default -> v.add(p + "area", "is required: geojson (an outdoor Polygon or MultiPolygon) or indoor (venue, floor, zone code)");
        }
        ZoneConditions conditions = d.hasConditions() ? conditions(d.getConditions(), p + "conditions.", v) : ZoneConditions.NONE;
        if (!v.isEmpty()) {
            throw invalid(v.list());
        }
        Zone zone = new Zone(zoneId, authority, kind, geometry, d.getPrecedence(), instant(d.hasValidFrom(), d.getValidFrom()),
                instant(d.hasValidUntil(), d.getValidUntil()), d.getPublicSpace(), d.getSafeForOffline(), conditions);
        Validation.zone(zone, p, v);
        if (!v.isEmpty()) {
            throw invalid(v.list());
        }
        return zone;
    }

    private static ZoneConditions conditions(io.robotid.proto.geofence.v1.ZoneConditions c, String p, Violations v) {
        Set<Tier> tiers = EnumSet.noneOf(Tier.class);
        for (int i = 0; i < c.getRequiredTiersCount(); i++) {
            Tier t = tier(c.getRequiredTiers(i));
            if (t == null) {
                v.add(p + "required_tiers[" + i + "]", "is not a certification tier");
            } else {
                tiers.add(t);
            }
        }
        IntelligenceLevel level = level(c.getHighestIntelligenceLevel());
        List<TimeWindow> windows = new ArrayList<>();
        for (int i = 0; i < c.getTimeWindowsCount(); i++) {
            var w = c.getTimeWindows(i);
            String wp = p + "time_windows[" + i + "].";
            Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
            for (Weekday day : w.getDaysList()) {
                if (day == Weekday.WEEKDAY_UNSPECIFIED || day == Weekday.UNRECOGNIZED) {
                    v.add(wp + "days", "holds an unspecified day");
                } else {
                    days.add(DayOfWeek.of(day.getNumber()));
                }
            }
            windows.add(new TimeWindow(days, time(w.getStart(), wp + "start", v), time(w.getEnd(), wp + "end", v)));
        }
        ZoneId zone = null;
        if (!c.getTimeZone().isBlank() || !windows.isEmpty()) {
            zone = Validation.timeZone(c.getTimeZone(), p + "time_zone", v);
        }
        return new ZoneConditions(c.hasMaxSpeedMPerS() ? c.getMaxSpeedMPerS() : null,
                new LinkedHashSet<>(c.getAllowedTaskCategoriesList()), tiers, level, windows, zone);
    }

    private static LocalTime time(String hhmm, String field, Violations v) {
        if (hhmm.isBlank()) {
            return null; // the engine names it
        }
        if (!hhmm.matches("\\d\\d:\\d\\d")) {
            v.add(field, "must be HH:MM (24-hour local time), not '" + hhmm + "'");
            return null;
        }
        try {
            return LocalTime.parse(hhmm);
        } catch (DateTimeParseException e) {
            v.add(field, "'" + hhmm + "' is not a time of day");
            return null;
        }
    }

    /** A grant as the engine sees it (revoked grants are never handed to the engine). */
    public static Grant toGrant(io.robotid.proto.geofence.v1.Grant g) {
        return new Grant(g.getGrantId(), g.getZoneId(), emptyToNull(g.getRobotId()), emptyToNull(g.getOperatorOrgId()),
                new LinkedHashSet<>(g.getTaskCategoriesList()), instant(g.hasValidFrom(), g.getValidFrom()),
                instant(g.hasValidUntil(), g.getValidUntil()));
    }

    /** Checks a grant's own fields (grantee, tasks, window) with the engine's rules. */
    public static void validateGrant(Grant grant, String prefix) {
        Violations v = new Violations();
        Validation.grant(grant, prefix, v);
        if (!v.isEmpty()) {
            throw invalid(v.list());
        }
    }

    public static Tier tier(io.robotid.proto.certification.v1.Tier t) {
        return switch (t) {
            case TIER_BASE_SAFETY -> Tier.BASE_SAFETY;
            case TIER_MOBILITY -> Tier.MOBILITY;
            case TIER_MANIPULATION -> Tier.MANIPULATION;
            case TIER_PHYSICAL_INTERACTION -> Tier.PHYSICAL_INTERACTION;
            case TIER_DATA_SECURITY -> Tier.DATA_SECURITY;
            case TIER_TASK_SPECIFIC -> Tier.TASK_SPECIFIC;
            case TIER_PUBLIC_SPACE -> Tier.PUBLIC_SPACE;
            default -> null;
        };
    }

    public static io.robotid.proto.certification.v1.Tier proto(Tier t) {
        return io.robotid.proto.certification.v1.Tier.valueOf("TIER_" + t.name());
    }

    public static IntelligenceLevel level(io.robotid.proto.filing.v1.IntelligenceLevel l) {
        return switch (l) {
            case INTELLIGENCE_LEVEL_L0 -> IntelligenceLevel.L0;
            case INTELLIGENCE_LEVEL_L1 -> IntelligenceLevel.L1;
            case INTELLIGENCE_LEVEL_L2 -> IntelligenceLevel.L2;
            case INTELLIGENCE_LEVEL_L3 -> IntelligenceLevel.L3;
            case INTELLIGENCE_LEVEL_L4 -> IntelligenceLevel.L4;
            default -> null;
        };
    }

    public static io.robotid.proto.filing.v1.IntelligenceLevel proto(IntelligenceLevel l) {
        return l == null ? io.robotid.proto.filing.v1.IntelligenceLevel.INTELLIGENCE_LEVEL_UNSPECIFIED
                : io.robotid.proto.filing.v1.IntelligenceLevel.valueOf("INTELLIGENCE_LEVEL_" + l.name());
    }

    public static Instant instant(boolean present, Timestamp t) {
        return present ? Instant.ofEpochSecond(t.getSeconds(), t.getNanos()) : null;
    }

    public static Timestamp timestamp(Instant i) {
        return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).setNanos(i.getNano()).build();
    }

    static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    public static DomainException invalid(List<FieldViolation> violations) {
        return DomainException.invalidArgument(violations.stream()
                .map(f -> new io.robotid.kit.error.FieldViolation(f.field(), f.description())).toList());
    }
}
