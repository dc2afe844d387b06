package io.robotid.identity.page;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

import com.google.protobuf.Timestamp;

import io.robotid.proto.certification.v1.Environment;
import io.robotid.proto.certification.v1.OperatingConditions;
import io.robotid.proto.filing.v1.IntelligenceLevel;
import io.robotid.proto.lifecycle.v1.RecallSeverity;
import io.robotid.proto.lifecycle.v1.RobotStatus;

/** The page's plain words for the registry's codes. */
final class Words {
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("d MMMM yyyy", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);

    private Words() {
    }

    /** "EVENT_TYPE_MAINTENANCE_PERFORMED" with prefix "EVENT_TYPE_" -> "Maintenance performed". */
    static String humanize(String enumName, String prefix) {
        String s = enumName.startsWith(prefix) ? enumName.substring(prefix.length()) : enumName;
        s = s.replace('_', ' ').toLowerCase(Locale.ROOT);
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    static String strip(String enumName, String prefix) {
        return enumName.startsWith(prefix) ? enumName.substring(prefix.length()) : enumName;
    }

    static Instant instant(Timestamp t) {
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
    }

    static String date(Instant instant) {
        return DATE.format(instant);
    }

    static String level(IntelligenceLevel level) {
        return switch (level) {
            case INTELLIGENCE_LEVEL_L0 -> "L0";
            case INTELLIGENCE_LEVEL_L1 -> "L1";
            case INTELLIGENCE_LEVEL_L2 -> "L2";
            case INTELLIGENCE_LEVEL_L3 -> "L3";
            case INTELLIGENCE_LEVEL_L4 -> "L4";
            default -> null;
        };
    }

    static String levelText(IntelligenceLevel level) {
        return switch (level) {
            case INTELLIGENCE_LEVEL_L0 -> "Level 0: remote-controlled or scripted. It does not move about or decide anything on its own.";
            case INTELLIGENCE_LEVEL_L1 -> "Level 1: moves about on its own, but does not decide its tasks.";
            case INTELLIGENCE_LEVEL_L2 -> "Level 2: decides its tasks on its own. It is not meant to touch people and does not learn while at work.";
            case INTELLIGENCE_LEVEL_L3 -> "Level 3: decides its tasks on its own and is meant to touch people (for example to help them).";
            case INTELLIGENCE_LEVEL_L4 -> "Level 4: decides its tasks on its own and keeps learning while at work.";
            default -> "Not stated.";
        };
    }

    static String status(RobotStatus status) {
        return switch (status) {
            case ROBOT_STATUS_REGISTERED -> "Registered: the ID was issued; the robot has not been reported built yet.";
            case ROBOT_STATUS_IN_STOCK -> "Built, not yet in service.";
            case ROBOT_STATUS_IN_SERVICE -> "In service.";
            case ROBOT_STATUS_OUT_OF_SERVICE -> "Out of service: not deployed at the moment.";
            case ROBOT_STATUS_SUSPENDED -> "Suspended by a regulator: it must not be operating.";
            case ROBOT_STATUS_DECOMMISSIONED -> "Decommissioned: taken out of use for good, its data wiped. It must not be operating.";
            case ROBOT_STATUS_SCRAPPED -> "Scrapped. It must not be operating.";
            case ROBOT_STATUS_RECYCLED -> "Recycled. It must not be operating.";
            default -> "Unknown.";
        };
    }

    static boolean retired(RobotStatus status) {
        return status == RobotStatus.ROBOT_STATUS_DECOMMISSIONED || status == RobotStatus.ROBOT_STATUS_SCRAPPED
                || status == RobotStatus.ROBOT_STATUS_RECYCLED;
    }

    static String recallSeverity(RecallSeverity severity) {
        return switch (severity) {
            case RECALL_SEVERITY_STOP_USE -> "Stop use: the robot must not be used until the fix is made.";
            case RECALL_SEVERITY_ADVISORY -> "Advisory: a fix is due; the robot may still be used.";
            default -> "Open.";
        };
    }

    static RobotPage.Limits limits(OperatingConditions c) {
        if (c == null) {
            return new RobotPage.Limits("No speed limit from its certificates", null, "No payload limit from its certificates",
                    null, "Indoors and outdoors", "May work with people nearby", null, java.util.List.of());
        }
        String speed = c.hasMaxSpeedMPerS() ? "At most " + number(c.getMaxSpeedMPerS()) + " m/s ("
                + number(c.getMaxSpeedMPerS() * 3.6) + " km/h)" : "No speed limit from its certificates";
        String payload = c.hasMaxPayloadKg() ? "At most " + number(c.getMaxPayloadKg()) + " kg"
                : "No payload limit from its certificates";
        String environment = c.getEnvironment() == Environment.ENVIRONMENT_INDOOR_ONLY ? "Indoors only"
                : "Indoors and outdoors";
        String people = !c.hasPeopleNearbyAllowed() || c.getPeopleNearbyAllowed() ? "May work with people nearby"
                : "Must not work with people nearby";
        return new RobotPage.Limits(speed, c.hasMaxSpeedMPerS() ? c.getMaxSpeedMPerS() : null, payload,
                c.hasMaxPayloadKg() ? c.getMaxPayloadKg() : null, environment, people,
                c.hasPeopleNearbyAllowed() ? c.getPeopleNearbyAllowed() : null, c.getAllowedTaskCategoriesList());
    }

    static String number(double value) {
        if (value == Math.rint(value)) {
            return Long.toString((long) value);
        }
        return String.format(Locale.ROOT, "%.1f", value);
    }
}
