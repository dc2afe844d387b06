package io.robotid.lifecycle.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.robotid.kit.error.DomainException;
import io.robotid.kit.error.ErrorKind;
import io.robotid.proto.lifecycle.v1.EventType;
import io.robotid.proto.lifecycle.v1.RobotStatus;

/** Every (status, event) pair: the allowed ones lead where DESIGN.md says, every other one is refused. */
class StateMachineTest {

    static final Set<RobotStatus> STATUSES = EnumSet.complementOf(EnumSet.of(RobotStatus.ROBOT_STATUS_UNSPECIFIED,
            RobotStatus.UNRECOGNIZED));
    static final Set<EventType> EVENTS = EnumSet.complementOf(EnumSet.of(EventType.EVENT_TYPE_UNSPECIFIED,
            EventType.UNRECOGNIZED));

    /** The allowed transitions, written out independently of the implementation's table. */
    static final Map<EventType, Set<RobotStatus>> ALLOWED = Map.ofEntries(
            Map.entry(EventType.EVENT_TYPE_PRODUCED, EnumSet.of(RobotStatus.ROBOT_STATUS_REGISTERED)),
            Map.entry(EventType.EVENT_TYPE_SOLD, EnumSet.of(RobotStatus.ROBOT_STATUS_IN_STOCK, RobotStatus.ROBOT_STATUS_OUT_OF_SERVICE)),
            Map.entry(EventType.EVENT_TYPE_TRANSFER_INITIATED, active()),
            Map.entry(EventType.EVENT_TYPE_TRANSFER_ACCEPTED, active()),
            Map.entry(EventType.EVENT_TYPE_LEASED, active()),
            Map.entry(EventType.EVENT_TYPE_DEPLOYED, active()),
            Map.entry(EventType.EVENT_TYPE_TELEMETRY_SUMMARY, activeOrSuspended()),
            Map.entry(EventType.EVENT_TYPE_MAINTENANCE_PERFORMED, activeOrSuspended()),
            Map.entry(EventType.EVENT_TYPE_COMPONENT_REPLACED, activeOrSuspended()),
            Map.entry(EventType.EVENT_TYPE_SOFTWARE_UPDATED, activeOrSuspended()),
            Map.entry(EventType.EVENT_TYPE_INCIDENT_REPORTED, activeOrSuspended()),
            Map.entry(EventType.EVENT_TYPE_RECALL_NOTIFIED, activeOrSuspended()),
            Map.entry(EventType.EVENT_TYPE_RECALL_REMEDIED, activeOrSuspended()),
            Map.entry(EventType.EVENT_TYPE_SUSPENDED, active()),
            Map.entry(EventType.EVENT_TYPE_REINSTATED, EnumSet.of(RobotStatus.ROBOT_STATUS_SUSPENDED)),
            Map.entry(EventType.EVENT_TYPE_DECOMMISSIONED, activeOrSuspended()),
            Map.entry(EventType.EVENT_TYPE_SCRAPPED, EnumSet.of(RobotStatus.ROBOT_STATUS_DECOMMISSIONED)),
            Map.entry(EventType.EVENT_TYPE_RECYCLED, EnumSet.of(RobotStatus.ROBOT_STATUS_SCRAPPED)));

    static Set<RobotStatus> active() {
        return EnumSet.of(RobotStatus.ROBOT_STATUS_IN_STOCK, RobotStatus.ROBOT_STATUS_IN_SERVICE,
                RobotStatus.ROBOT_STATUS_OUT_OF_SERVICE);
    }

    static Set<RobotStatus> activeOrSuspended() {
        Set<RobotStatus> s = active();
        s.add(RobotStatus.ROBOT_STATUS_SUSPENDED);
        return s;
    }

    @Test
    void everyForbiddenTransitionIsRefusedNamingStatusAndEvent() {
        int refused = 0;
        for (RobotStatus status : STATUSES) {
            for (EventType event : EVENTS) {
                if (ALLOWED.get(event).contains(status)) {
                    assertThat(StateMachine.allows(status, event)).as(status + " " + event).isTrue();
                    continue;
                }
                refused++;
                assertThatThrownBy(() -> StateMachine.next(status, event, null)).as(status + " " + event)
                        .isInstanceOfSatisfying(DomainException.class, e -> {
                            assertThat(e.kind()).isEqualTo(ErrorKind.FAILED_PRECONDITION);
                            assertThat(e.reason()).isEqualTo("EVENT_NOT_ALLOWED_IN_STATUS");
                            assertThat(e.metadata()).containsEntry("status", StateMachine.shortName(status))
                                    .containsEntry("event", StateMachine.shortName(event));
                        });
            }
        }
        assertThat(refused).isGreaterThan(80);
    }

    @Test
    void terminalStatusesStayTerminal() {
        for (EventType event : EVENTS) {
            if (event != EventType.EVENT_TYPE_RECYCLED) {
                assertThat(StateMachine.allows(RobotStatus.ROBOT_STATUS_SCRAPPED, event)).as(event.name()).isFalse();
            }
            assertThat(StateMachine.allows(RobotStatus.ROBOT_STATUS_RECYCLED, event)).as(event.name()).isFalse();
        }
    }

    @Test
    void allowedTransitionsLeadWhereTheyShould() {
        assertThat(StateMachine.next(RobotStatus.ROBOT_STATUS_REGISTERED, EventType.EVENT_TYPE_PRODUCED, null))
                .isEqualTo(RobotStatus.ROBOT_STATUS_IN_STOCK);
        assertThat(StateMachine.next(RobotStatus.ROBOT_STATUS_IN_STOCK, EventType.EVENT_TYPE_DEPLOYED, null))
                .isEqualTo(RobotStatus.ROBOT_STATUS_IN_SERVICE);
        assertThat(StateMachine.next(RobotStatus.ROBOT_STATUS_IN_SERVICE, EventType.EVENT_TYPE_SUSPENDED, null))
                .isEqualTo(RobotStatus.ROBOT_STATUS_SUSPENDED);
        assertThat(StateMachine.next(RobotStatus.ROBOT_STATUS_SUSPENDED, EventType.EVENT_TYPE_REINSTATED,
                RobotStatus.ROBOT_STATUS_IN_STOCK)).isEqualTo(RobotStatus.ROBOT_STATUS_IN_STOCK);
        assertThat(StateMachine.next(RobotStatus.ROBOT_STATUS_IN_SERVICE, EventType.EVENT_TYPE_TRANSFER_ACCEPTED, null))
                .isEqualTo(RobotStatus.ROBOT_STATUS_OUT_OF_SERVICE);
        assertThat(StateMachine.next(RobotStatus.ROBOT_STATUS_IN_SERVICE, EventType.EVENT_TYPE_TELEMETRY_SUMMARY, null))
                .isEqualTo(RobotStatus.ROBOT_STATUS_IN_SERVICE);
        assertThat(StateMachine.next(RobotStatus.ROBOT_STATUS_SUSPENDED, EventType.EVENT_TYPE_DECOMMISSIONED, null))
                .isEqualTo(RobotStatus.ROBOT_STATUS_DECOMMISSIONED);
    }
}
