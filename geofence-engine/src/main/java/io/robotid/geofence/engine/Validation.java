package io.robotid.geofence.engine;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;

/**
 * Validation of zones, grants and checks, collected as field violations (field paths in the
 * snake_case of the gRPC contract).
 */
public final class Validation {

    /** Upper bound of a zone speed limit, m/s (as the certification-service bound for certificates). */
    public static final double MAX_SPEED_MPS = 20.0;
    public static final int MAX_ID_LENGTH = 128;
    /** Task categories of one zone or grant. */
    public static final int MAX_TASK_CATEGORIES = 100;
    /** Time windows of one zone (a week of two windows a day is 14). */
    public static final int MAX_TIME_WINDOWS = 50;

    private Validation() {
    }

    /** An IANA time zone name ("Europe/Berlin"); adds a violation and answers {@code null} otherwise. */
    public static ZoneId timeZone(String name, String field, Violations v) {
        if (name == null || name.isBlank()) {
            v.add(field, "is required: an IANA time zone such as Europe/Berlin");
            return null;
        }
        try {
            ZoneId zone = ZoneId.of(name);
            if (zone instanceof ZoneOffset) {
                v.add(field, "'" + name + "' is a fixed offset, not an IANA time zone such as Europe/Berlin");
                return null;
            }
            return zone;
        } catch (DateTimeException e) {
            v.add(field, "unknown time zone '" + name + "': use an IANA time zone such as Europe/Berlin");
            return null;
        }
    }

    public static List<FieldViolation> zone(Zone z) {
        Violations v = new Violations();
        zone(z, "", v);
        return v.list();
    }

    public static void zone(Zone z, String prefix, Violations v) {
        id(z.id(), prefix + "id", v);
        required(z.authority(), prefix + "authority", v);
        if (z.kind() == null) {
            v.add(prefix + "kind", "is required: PROHIBITED, RESTRICTED or CONDITIONAL");
        }
        ZoneGeometry g = z.geometry();
        if (g == null) {
            v.add(prefix + "geometry", "is required: an outdoor polygon or multipolygon, or an indoor place");
        } else if (g instanceof ZoneGeometry.Outdoor outdoor) {
            GeometryRules.check(outdoor.polygonal(), prefix + "geometry", v);
        } else if (g instanceof ZoneGeometry.Indoor indoor) {
            required(indoor.venue(), prefix + "indoor.venue", v);
            if (indoor.floor() != null && indoor.floor().isBlank()) {
                v.add(prefix + "indoor.floor", "must not be blank (leave it out for the whole venue)");
            }
            if (indoor.zoneCode() != null && indoor.zoneCode().isBlank()) {
                v.add(prefix + "indoor.zone_code", "must not be blank (leave it out for the whole floor)");
            }
            if (indoor.zoneCode() != null && indoor.floor() == null) {
                v.add(prefix + "indoor.zone_code", "needs a floor");
            }
        }
        if (z.validFrom() != null && z.validUntil() != null && !z.validUntil().isAfter(z.validFrom())) {
            v.add(prefix + "valid_until", "must be after valid_from");
        }
        ZoneConditions c = z.conditions();
        String cp = prefix + "conditions.";
        if (z.kind() == ZoneKind.PROHIBITED && !c.isEmpty()) {
            v.add(prefix + "conditions", "a PROHIBITED zone denies every robot and takes no conditions"
                    + " (limit it in time with valid_from / valid_until)");
        }
        if (c.maxSpeedMps() != null) {
            double s = c.maxSpeedMps();
            if (Double.isNaN(s) || Double.isInfinite(s) || s <= 0 || s > MAX_SPEED_MPS) {
                v.add(cp + "max_speed_m_per_s", "must be in (0, " + MAX_SPEED_MPS + "], not " + s);
            }
        }
        tasks(List.copyOf(c.allowedTaskCategories()), cp + "allowed_task_categories", v);
        if (c.timeWindows().size() > MAX_TIME_WINDOWS) {
            v.add(cp + "time_windows", "has " + c.timeWindows().size() + " windows; at most " + MAX_TIME_WINDOWS + " are allowed");
        }
        for (int i = 0; i < c.timeWindows().size() && i < MAX_TIME_WINDOWS; i++) {
            window(c.timeWindows().get(i), cp + "time_windows[" + i + "]", v);
        }
        if (!c.timeWindows().isEmpty() && c.timeZone() == null) {
            v.add(cp + "time_zone", "is required with time windows: an IANA time zone such as Europe/Berlin");
        }
    }

    public static void window(TimeWindow w, String field, Violations v) {
        if (w.days().isEmpty()) {
            v.add(field + ".days", "needs at least one day of the week");
        }
        if (w.start() == null) {
            v.add(field + ".start", "is required");
        }
        if (w.end() == null) {
            v.add(field + ".end", "is required");
        }
        if (w.start() != null && w.end() != null && !w.end().isAfter(w.start())) {
            v.add(field + ".end", "must be after start (" + w.end() + " is not after " + w.start()
                    + "); a window over midnight is two windows");
        }
    }

    public static List<FieldViolation> grant(Grant g) {
        Violations v = new Violations();
        grant(g, "", v);
        return v.list();
    }

    public static void grant(Grant g, String prefix, Violations v) {
        id(g.id(), prefix + "id", v);
        required(g.zoneId(), prefix + "zone_id", v);
        boolean robot = g.robotId() != null && !g.robotId().isBlank();
        boolean operator = g.operatorOrg() != null && !g.operatorOrg().isBlank();
        if (robot == operator) {
            v.add(prefix + "grantee", "exactly one of robot_id and operator_org is required");
        }
        tasks(List.copyOf(g.taskCategories()), prefix + "task_categories", v);
        if (g.validFrom() != null && g.validUntil() != null && !g.validUntil().isAfter(g.validFrom())) {
            v.add(prefix + "valid_until", "must be after valid_from");
        }
    }

    public static List<FieldViolation> check(CheckRequest r) {
        if (wellFormed(r)) {
            return List.of();
        }
        Violations v = new Violations();
        check(r, v);
        return v.list();
    }

    /** The allocation-free fast path of {@link #check(CheckRequest)}: true when it would find nothing. */
    static boolean wellFormed(CheckRequest r) {
        if (r.robot() == null || r.at() == null || TaskCategories.problem(r.taskCategory()) != null) {
            return false;
        }
        if (r.position() != null) {
            double lat = r.position().lat();
            double lon = r.position().lon();
            return r.indoor() == null && lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180; // false for NaN too
        }
        IndoorLocation i = r.indoor();
        return i != null && notBlank(i.venue()) && notBlank(i.floor()) && notBlank(i.zoneCode());
    }

    private static boolean notBlank(String s) {
        return s != null && !s.isBlank();
    }

    public static void check(CheckRequest r, Violations v) {
        if (r.robot() == null) {
            v.add("robot", "is required (use RobotProjection.unknown for a robot the registry does not know)");
        }
        if ((r.position() == null) == (r.indoor() == null)) {
            v.add("location", "exactly one of position and indoor is required");
        }
        if (r.position() != null) {
            GeometryRules.coordinate(r.position().lon(), r.position().lat(), "position", v);
        }
        if (r.indoor() != null) {
            required(r.indoor().venue(), "indoor.venue", v);
            required(r.indoor().floor(), "indoor.floor", v);
            required(r.indoor().zoneCode(), "indoor.zone_code", v);
        }
        String problem = TaskCategories.problem(r.taskCategory());
        if (problem != null) {
            v.add("task_category", problem);
        }
        if (r.at() == null) {
            v.add("at", "is required");
        }
    }

    private static void tasks(List<String> tasks, String field, Violations v) {
        if (tasks.size() > MAX_TASK_CATEGORIES) {
            v.add(field, "has " + tasks.size() + " task categories; at most " + MAX_TASK_CATEGORIES + " are allowed");
            return;
        }
        for (int i = 0; i < tasks.size(); i++) {
            String problem = TaskCategories.problem(tasks.get(i));
            if (problem != null) {
                v.add(field + "[" + i + "]", problem);
            }
        }
    }

    private static void id(String id, String field, Violations v) {
        if (required(id, field, v) && id.length() > MAX_ID_LENGTH) {
            v.add(field, "is " + id.length() + " characters long; at most " + MAX_ID_LENGTH + " are allowed");
        }
    }

    private static boolean required(String s, String field, Violations v) {
        if (s == null || s.isBlank()) {
            v.add(field, "is required");
            return false;
        }
        return true;
    }
}
