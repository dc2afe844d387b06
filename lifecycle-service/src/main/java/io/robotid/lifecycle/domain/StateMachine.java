package io.robotid.lifecycle.domain;

import static io.robotid.proto.lifecycle.v1.RobotStatus.*;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import io.robotid.kit.error.DomainException;
import io.robotid.proto.lifecycle.v1.EventType;
import io.robotid.proto.lifecycle.v1.RobotStatus;

/**
 * Which event may happen in which status, and the status it leads to. SCRAPPED and RECYCLED are
 * terminal; SUSPENDED remembers the status it interrupted, and REINSTATED returns to it.
 */
public final class StateMachine {
    private static final Set<RobotStatus> ACTIVE = EnumSet.of(ROBOT_STATUS_IN_STOCK, ROBOT_STATUS_IN_SERVICE,
            ROBOT_STATUS_OUT_OF_SERVICE);
    private static final Set<RobotStatus> ACTIVE_OR_SUSPENDED = EnumSet.of(ROBOT_STATUS_IN_STOCK,
            ROBOT_STATUS_IN_SERVICE, ROBOT_STATUS_OUT_OF_SERVICE, ROBOT_STATUS_SUSPENDED);

    private static final Map<EventType, Set<RobotStatus>> ALLOWED_FROM = new EnumMap<>(EventType.class);

    static {
        ALLOWED_FROM.put(EventType.EVENT_TYPE_PRODUCED, EnumSet.of(ROBOT_STATUS_REGISTERED));
        ALLOWED_FROM.put(EventType.EVENT_TYPE_SOLD, EnumSet.of(ROBOT_STATUS_IN_STOCK, ROBOT_STATUS_OUT_OF_SERVICE));
        ALLOWED_FROM.put(EventType.EVENT_TYPE_TRANSFER_INITIATED, ACTIVE);
        ALLOWED_FROM.put(EventType.EVENT_TYPE_TRANSFER_ACCEPTED, ACTIVE);
        ALLOWED_FROM.put(EventType.EVENT_TYPE_LEASED, ACTIVE);
        ALLOWED_FROM.put(EventType.EVENT_TYPE_DEPLOYED, ACTIVE);
        ALLOWED_FROM.put(EventType.EVENT_TYPE_TELEMETRY_SUMMARY, ACTIVE_OR_SUSPENDED);
        ALLOWED_FROM.put(EventType.EVENT_TYPE_MAINTENANCE_PERFORMED, ACTIVE_OR_SUSPENDED);
        ALLOWED_FROM.put(EventType.EVENT_TYPE_COMPONENT_REPLACED, ACTIVE_OR_SUSPENDED);
        ALLOWED_FROM.put(EventType.EVENT_TYPE_SOFTWARE_UPDATED, ACTIVE_OR_SUSPENDED);
        ALLOWED_FROM.put(EventType.EVENT_TYPE_INCIDENT_REPORTED, ACTIVE_OR_SUSPENDED);
        ALLOWED_FROM.put(EventType.EVENT_TYPE_RECALL_NOTIFIED, ACTIVE_OR_SUSPENDED);
        ALLOWED_FROM.put(EventType.EVENT_TYPE_RECALL_REMEDIED, ACTIVE_OR_SUSPENDED);
        ALLOWED_FROM.put(EventType.EVENT_TYPE_SUSPENDED, ACTIVE);
        ALLOWED_FROM.put(EventType.EVENT_TYPE_REINSTATED, EnumSet.of(ROBOT_STATUS_SUSPENDED));
        ALLOWED_FROM.put(EventType.EVENT_TYPE_DECOMMISSIONED, ACTIVE_OR_SUSPENDED);
        ALLOWED_FROM.put(EventType.EVENT_TYPE_SCRAPPED, EnumSet.of(ROBOT_STATUS_DECOMMISSIONED));
        ALLOWED_FROM.put(EventType.EVENT_TYPE_RECYCLED, EnumSet.of(ROBOT_STATUS_SCRAPPED));
    }

    private StateMachine() {
    }

    /** The statuses in which {@code type} may be recorded (empty for an unknown type); unmodifiable. */
    public static Set<RobotStatus> statusesAllowing(EventType type) {
        return java.util.Collections.unmodifiableSet(ALLOWED_FROM.getOrDefault(type, Set.of()));
    }

    /** Whether {@code type} may be recorded in {@code status}. */
    public static boolean allows(RobotStatus status, EventType type) {
        return ALLOWED_FROM.getOrDefault(type, Set.of()).contains(status);
    }

    /**
     * The status after {@code type} happens in {@code status}.
     *
     * @param beforeSuspension the status a suspension interrupted (for REINSTATED)
     * @throws DomainException FAILED_PRECONDITION {@code EVENT_NOT_ALLOWED_IN_STATUS} naming both
     */
    public static RobotStatus next(RobotStatus status, EventType type, RobotStatus beforeSuspension) {
        if (!allows(status, type)) {
            throw DomainException.failedPrecondition("EVENT_NOT_ALLOWED_IN_STATUS",
                    shortName(type) + " cannot be recorded for a robot in status " + shortName(status),
                    Map.of("status", shortName(status), "event", shortName(type)));
        }
        return switch (type) {
            case EVENT_TYPE_PRODUCED -> ROBOT_STATUS_IN_STOCK;
            case EVENT_TYPE_DEPLOYED -> ROBOT_STATUS_IN_SERVICE;
            // A new owner starts with the robot out of service until it deploys it.
            case EVENT_TYPE_TRANSFER_ACCEPTED, EVENT_TYPE_SOLD -> status == ROBOT_STATUS_IN_STOCK ? ROBOT_STATUS_IN_STOCK
                    : ROBOT_STATUS_OUT_OF_SERVICE;
            case EVENT_TYPE_SUSPENDED -> ROBOT_STATUS_SUSPENDED;
            case EVENT_TYPE_REINSTATED -> beforeSuspension == null || beforeSuspension == ROBOT_STATUS_UNSPECIFIED
                    ? ROBOT_STATUS_OUT_OF_SERVICE : beforeSuspension;
            case EVENT_TYPE_DECOMMISSIONED -> ROBOT_STATUS_DECOMMISSIONED;
            case EVENT_TYPE_SCRAPPED -> ROBOT_STATUS_SCRAPPED;
            case EVENT_TYPE_RECYCLED -> ROBOT_STATUS_RECYCLED;
            default -> status;
        };
    }

    public static String shortName(Enum<?> value) {
        String name = value.name();
        return name.startsWith("EVENT_TYPE_") ? name.substring(11)
                : name.startsWith("ROBOT_STATUS_") ? name.substring(13) : name;
    }
}
