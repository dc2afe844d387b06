package io.robotid.lifecycle.service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;


import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.google.protobuf.Timestamp;

import io.robotid.kit.audit.AuditStamp;
import io.robotid.kit.audit.WriteContext;
import io.robotid.kit.error.DomainException;
import io.robotid.kit.error.GrpcErrors;
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
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;

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

    /** A request that passed the checks that need no database. */
    private record Checked(RobotId id, EventType type) {
    }

    /** Field rules, without touching the database. */
    private static Checked check(WriteContext context, RecordEventRequest request) {
        Violations v = new Violations();
        RobotId id = v.robotId("robot_id", request.getRobotId());
        Instant occurredAt = request.hasOccurredAt() ? Instant.ofEpochSecond(request.getOccurredAt().getSeconds(),
                request.getOccurredAt().getNanos()) : null;
        EventValidator.validate(request.getPayload(), occurredAt, context.at(), v);
        if (request.getExpectedSequence() < 0) {
            v.add("expected_sequence", "must be 0 (append) or the next sequence of the robot's chain");
        }
        v.throwIfAny();
        return new Checked(id, EventValidator.typeOf(request.getPayload()));
    }

    public Uni<RecordEventResponse> record(WriteContext context, RecordEventRequest request) {
        Checked checked = check(context, request);
        return identity.requireIssued(checked.id()).chain(() -> robots.database().withTransaction(connection ->
                recordOn(connection, context, request, checked)));
    }

    /** One request of a batch: its context, and what became of it (null while pending). */
    public static final class BatchItem {
        public final WriteContext context;
        public final RecordEventRequest request;
        public DomainException refusal;
        private Checked checked;

        public BatchItem(WriteContext context, RecordEventRequest request) {
            this.context = context;
            this.request = request;
        }
    }

    /**
     * Records a batch (RecordEvents) in one transaction, each event inside its own savepoint, so a
     * refused event leaves the others in and one commit serves the whole batch. If the batch
     * transaction itself fails (a deadlock with another stream), the events are recorded one by one.
     */
    public Uni<List<BatchItem>> recordBatch(List<BatchItem> items) {
        List<BatchItem> pending = new ArrayList<>();
        for (BatchItem item : items) {
            try {
                item.checked = check(item.context, item.request);
                pending.add(item);
            } catch (DomainException e) {
                item.refusal = e;
            }
        }
        Uni<Void> issued = Multi.createFrom().iterable(pending).onItem().transformToUniAndConcatenate(item ->
                identity.requireIssued(item.checked.id()).onFailure().recoverWithUni(failure -> {
                    item.refusal = GrpcErrors.classify(failure);
                    return Uni.createFrom().voidItem();
                })).collect().last().replaceWithVoid();
        return issued.chain(() -> robots.database().withTransaction(connection -> Multi.createFrom()
                .iterable(pending).filter(item -> item.refusal == null)
                .onItem().transformToUniAndConcatenate(item -> connection.query("savepoint event").execute()
                        .chain(() -> recordOn(connection, item.context, item.request, item.checked))
                        .chain(() -> connection.query("release savepoint event").execute())
                        .onFailure().recoverWithUni(failure -> {
                            item.refusal = GrpcErrors.classify(failure);
                            return connection.query("rollback to savepoint event").execute();
                        }))
                .collect().last().replaceWithVoid()))
                .replaceWith(items)
                .onFailure().recoverWithUni(failure -> Multi.createFrom().iterable(pending)
                        .onItem().transformToUniAndConcatenate(item -> {
                            item.refusal = null;
                            return record(item.context, item.request).replaceWithVoid()
                                    .onFailure().recoverWithItem(single -> {
                                        item.refusal = GrpcErrors.classify(single);
                                        return null;
                                    });
                        }).collect().last().replaceWith(items));
    }

    private Uni<RecordEventResponse> recordOn(SqlConnection connection, WriteContext context,
            RecordEventRequest request, Checked checked) {
        RobotId id = checked.id();
        EventType type = checked.type();
        return IdempotentSqlWrites.execute(connection, context, request, RecordEventResponse.parser(),
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
                        }));
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

}
