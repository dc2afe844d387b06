package io.robotid.lifecycle.service;

import java.time.Instant;


import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.google.protobuf.Timestamp;

import io.robotid.kit.audit.AuditStamp;
import io.robotid.kit.audit.WriteContext;
import io.robotid.kit.error.DomainException;
import io.robotid.kit.id.RobotId;
import io.robotid.kit.idempotency.IdempotentSqlWrites;
import io.robotid.kit.validation.Violations;
import io.robotid.lifecycle.client.IdentityGateway;
import io.robotid.lifecycle.domain.EventChain;
import io.robotid.lifecycle.domain.MaintenanceThresholds;
import io.robotid.lifecycle.domain.RecordingRights;
import io.robotid.lifecycle.domain.RobotProjection;
import io.robotid.lifecycle.domain.StateMachine;
import io.robotid.lifecycle.repository.RecallRepository;
import io.robotid.lifecycle.repository.RobotRepository;
import io.robotid.proto.common.v1.AuditStamp.Builder;
import io.robotid.proto.lifecycle.v1.EventType;
import io.robotid.proto.lifecycle.v1.LifecycleEvent;
import io.robotid.proto.lifecycle.v1.RecordEventRequest;
import io.robotid.proto.lifecycle.v1.RecordEventResponse;
import io.robotid.proto.lifecycle.v1.RobotState;
import io.robotid.proto.lifecycle.v1.RobotStatus;
import io.smallrye.mutiny.Uni;

/**
 * Appends events to robots' chains. One transaction per event: the request id is claimed, the
 * robot's row is locked (so two writers never fork a chain), the caller's right and the state
 * machine are checked, the event is sealed onto the chain, the projection updated, and a status
 * change put on the feed.
 */
@ApplicationScoped
public class LifecycleRecorder {
    private final RobotRepository robots;
    private final RecallRepository recalls;
    private final IdentityGateway identity;
    private final MaintenanceThresholds thresholds;

    public LifecycleRecorder(RobotRepository robots, RecallRepository recalls, IdentityGateway identity,
            @ConfigProperty(name = "robotid.lifecycle.maintenance.battery-health-below", defaultValue = "70") double batteryBelow,
            @ConfigProperty(name = "robotid.lifecycle.maintenance.joint-wear-above", defaultValue = "80") double wearAbove) {
        this.robots = robots;
        this.recalls = recalls;
        this.identity = identity;
        this.thresholds = new MaintenanceThresholds(batteryBelow, wearAbove);
    }

    public MaintenanceThresholds thresholds() {
        return thresholds;
    }

    public Uni<RecordEventResponse> record(WriteContext context, RecordEventRequest request) {
        Violations v = new Violations();
        RobotId id = robotId(request.getRobotId(), v);
        Instant occurredAt = request.hasOccurredAt() ? Instant.ofEpochSecond(request.getOccurredAt().getSeconds(),
                request.getOccurredAt().getNanos()) : null;
        EventValidator.validate(request.getPayload(), occurredAt, context.at(), v);
        if (request.getExpectedSequence() < 0) {
            v.add("expected_sequence", "must be 0 (append) or the next sequence of the robot's chain");
        }
        v.throwIfAny();
        EventType type = EventValidator.typeOf(request.getPayload());

        return identity.requireIssued(id).chain(() -> robots.database().withTransaction(connection ->
                IdempotentSqlWrites.execute(connection, context, request, RecordEventResponse.parser(),
                        () -> robots.lockOrCreate(connection, id, context.at()).chain(locked -> {
                            RobotState state = locked.state();
                            long next = state.getLastSequence() + 1;
                            if (request.getExpectedSequence() != 0 && request.getExpectedSequence() != next) {
                                throw DomainException.aborted("SEQUENCE_CONFLICT", "expected sequence "
                                        + request.getExpectedSequence() + " but the chain's next is " + next
                                        + ": another writer appended first; re-read and retry");
                            }
                            RecordingRights.check(context.caller(), type, id, state);
                            RobotStatus after = StateMachine.next(state.getStatus(), type,
                                    locked.statusBeforeSuspension());
                            Uni<Void> precondition = type != EventType.EVENT_TYPE_RECALL_REMEDIED
                                    ? Uni.createFrom().voidItem()
                                    : recalls.isOpen(connection, request.getPayload().getRecallRemedied().getCampaignId(),
                                            id.canonical()).invoke(open -> {
                                                if (!open) {
                                                    throw DomainException.failedPrecondition("RECALL_NOT_OPEN",
                                                            "robot " + id.canonical() + " has no open recall "
                                                                    + request.getPayload().getRecallRemedied().getCampaignId(),
                                                            java.util.Map.of("robot_id", id.canonical()));
                                                }
                                            }).replaceWithVoid();
                            return precondition.chain(() -> {
                            LifecycleEvent event = EventChain.seal(LifecycleEvent.newBuilder()
                                    .setRobotId(id.canonical()).setSequence(next).setType(type)
                                    .setOccurredAt(request.getOccurredAt()).setPayload(request.getPayload())
                                    .setStatusAfter(after).setRecorded(stamp(context)).build(), locked.lastHash());
                            RobotState projected = RobotProjection.apply(state, event, thresholds);
                            RobotStatus beforeSuspension = type == EventType.EVENT_TYPE_SUSPENDED ? state.getStatus()
                                    : type == EventType.EVENT_TYPE_REINSTATED ? null : locked.statusBeforeSuspension();
                            Uni<Void> stored = robots.append(connection, event, projected, beforeSuspension, context.at());
                            if (feedChanged(state, projected)) {
                                stored = stored.chain(() -> robots.appendFeed(connection, projected, type, context.at()));
                            }
                            return stored.replaceWith(RecordEventResponse.newBuilder().setEvent(event).build());
                            });
                        }))));
    }

    /** What the feed carries: status, suspension and open stop-use recalls. */
    private static boolean feedChanged(RobotState before, RobotState after) {
        return before.getStatus() != after.getStatus()
                || !before.getOpenStopUseRecallsList().equals(after.getOpenStopUseRecallsList());
    }

    private static io.robotid.proto.common.v1.AuditStamp stamp(WriteContext context) {
        AuditStamp s = context.stamp();
        Builder b = io.robotid.proto.common.v1.AuditStamp.newBuilder().setSubject(s.subject).setRole(s.role)
                .setOrganisation(s.organisation).setRequestId(s.requestId.toString()).setTraceId(s.traceId)
                .setTime(Timestamp.newBuilder().setSeconds(s.at.getEpochSecond()).setNanos(s.at.getNano()));
        return b.build();
    }

    static RobotId robotId(String input, Violations v) {
        RobotId.Parsed parsed = RobotId.parse(input == null ? "" : input);
        if (parsed instanceof RobotId.Valid valid) {
            return valid.id();
        }
        v.add("robot_id", parsed instanceof RobotId.Malformed m ? "is not a robot ID: " + m.reason()
                : "has a wrong check character (expected " + ((RobotId.BadCheckCharacter) parsed).expected() + ")");
        return null;
    }

}
