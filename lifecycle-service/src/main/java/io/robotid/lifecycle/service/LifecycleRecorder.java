package io.robotid.lifecycle.service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

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
import io.robotid.lifecycle.domain.ChainReplay;
import io.robotid.lifecycle.domain.EventChain;
import io.robotid.lifecycle.domain.FeedEntries;
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
import io.robotid.kit.tlog.TransparencyLog;
import io.robotid.lifecycle.domain.LogKeys;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * Appends events to robots' chains, one event or a batch per transaction: the request ids are
 * claimed, the robots' rows locked (so two writers never fork a chain), each caller's right and
 * the state machine checked, each event sealed onto its chain and the projection updated in
 * memory, then everything stored with a statement per kind of row, and changes put on the feed.
 */
@ApplicationScoped
public class LifecycleRecorder {
    private final RobotRepository robots;
    private final RecallRepository recalls;
    private final IdentityGateway identity;
    private final MaintenanceThresholds thresholds;
    private final TransparencyLog log;
    private final LifecycleMeters meters;

    public LifecycleRecorder(RobotRepository robots, RecallRepository recalls, IdentityGateway identity, TransparencyLog log,
            LifecycleMeters meters,
            @ConfigProperty(name = "robotid.lifecycle.maintenance.battery-health-below", defaultValue = "70") double batteryBelow,
            @ConfigProperty(name = "robotid.lifecycle.maintenance.joint-wear-above", defaultValue = "80") double wearAbove) {
        this.robots = robots;
        this.recalls = recalls;
        this.identity = identity;
        this.log = log;
        this.meters = meters;
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

    /** Records one event: the same path as a batch of one, whose refusal is thrown. */
    public Uni<RecordEventResponse> record(WriteContext context, RecordEventRequest request) {
        BatchItem item = new BatchItem(context, request);
        return write(List.of(item)).map(done -> {
            if (item.refusal != null) {
                throw item.refusal;
            }
            return item.response;
        });
    }

    /** One request of a batch: its context, and what became of it (both null while pending). */
    public static final class BatchItem {
        public final WriteContext context;
        public final RecordEventRequest request;
        public DomainException refusal;
        public RecordEventResponse response;
        private Checked checked;
        private IdempotentSqlWrites.Claim claim;
        /** Appended by this call (not a retry answered from its stored result). */
        private boolean appended;

        public BatchItem(WriteContext context, RecordEventRequest request) {
            this.context = context;
            this.request = request;
        }
    }

    /**
     * Records a batch (RecordEvents) in one transaction with a statement per kind of row, not per
     * event; a refused event is left out and the others go in. If the transaction itself fails (a
     * deadlock with another stream, a request id claimed concurrently), the events are recorded
     * one by one.
     */
    public Uni<List<BatchItem>> recordBatch(List<BatchItem> items) {
        return write(items).onFailure().recoverWithUni(failure -> Multi.createFrom().iterable(items)
                .filter(item -> item.checked != null)
                .onItem().transformToUniAndConcatenate(item -> {
                    item.refusal = null;
                    item.response = null;
                    return record(item.context, item.request).invoke(response -> item.response = response)
                            .replaceWithVoid()
                            .onFailure().recoverWithItem(single -> {
                                item.refusal = GrpcErrors.classify(single);
                                return null;
                            });
                }).collect().last().replaceWith(items));
    }

    private Uni<List<BatchItem>> write(List<BatchItem> items) {
        List<BatchItem> pending = new ArrayList<>();
        for (BatchItem item : items) {
            try {
                item.checked = check(item.context, item.request);
                pending.add(item);
            } catch (DomainException e) {
                item.refusal = e;
            }
        }
        // Is each robot an issued ID? One question per robot of the batch (identity-service; cached).
        Map<RobotId, List<BatchItem>> byRobot = new LinkedHashMap<>();
        pending.forEach(item -> byRobot.computeIfAbsent(item.checked.id(), id -> new ArrayList<>()).add(item));
        Uni<Void> issued = Multi.createFrom().iterable(byRobot.entrySet())
                .onItem().transformToUniAndConcatenate(robot -> identity.requireIssued(robot.getKey())
                        .onFailure().recoverWithUni(failure -> {
                            DomainException refusal = GrpcErrors.classify(failure);
                            robot.getValue().forEach(item -> item.refusal = refusal);
                            return Uni.createFrom().voidItem();
                        }))
                .collect().last().replaceWithVoid();
        return issued.chain(() -> {
            List<BatchItem> toWrite = pending.stream().filter(item -> item.refusal == null).toList();
            return toWrite.isEmpty() ? Uni.createFrom().voidItem()
                    : robots.database().withTransaction(connection -> writeOn(connection, toWrite))
                            .invoke(() -> toWrite.stream().filter(item -> item.appended)
                                    .forEach(item -> meters.appended(item.checked.type())));
        }).replaceWith(items);
    }

    /**
     * Inside the transaction: claims the request ids (retries get their stored answers), locks the
     * robots, applies every event in memory in stream order (rights, state machine, expected
     * sequence, open recalls), then stores the results set-based.
     */
    private Uni<Void> writeOn(SqlConnection connection, List<BatchItem> items) {
        // A request id repeated inside the batch is answered like a retry of its first use.
        Map<UUID, BatchItem> first = new LinkedHashMap<>();
        Map<BatchItem, BatchItem> repeats = new LinkedHashMap<>();
        for (BatchItem item : items) {
            item.claim = IdempotentSqlWrites.Claim.of(item.context, item.request);
            BatchItem earlier = first.putIfAbsent(item.context.requestId(), item);
            if (earlier != null) {
                repeats.put(item, earlier);
            }
        }
        List<BatchItem> distinct = new ArrayList<>(first.values());
        return IdempotentSqlWrites.claimAll(connection, distinct.stream().map(i -> i.claim).toList())
                .chain(claimed -> {
                    List<BatchItem> retried = distinct.stream().filter(i -> !claimed.contains(i.context.requestId())).toList();
                    List<BatchItem> fresh = distinct.stream().filter(i -> claimed.contains(i.context.requestId())).toList();
                    Uni<Void> replayed = retried.isEmpty() ? Uni.createFrom().voidItem()
                            : IdempotentSqlWrites.stored(connection, retried.stream().map(i -> i.context.requestId()).toList())
                                    .invoke(stored -> retried.forEach(item -> replay(item, stored.get(item.context.requestId()))))
                                    .replaceWithVoid();
                    return replayed.chain(() -> fresh.isEmpty() ? Uni.createFrom().voidItem() : appendOn(connection, fresh));
                })
                .invoke(() -> repeats.forEach((repeat, earlier) -> {
                    if (!Arrays.equals(repeat.claim.requestHash(), earlier.claim.requestHash())) {
                        // the same id for other content inside one stream: refused like a reuse across calls
                        replay(repeat, null);
                    } else {
                        repeat.refusal = earlier.refusal;
                        repeat.response = earlier.response;
                    }
                }));
    }

    private static void replay(BatchItem item, IdempotentSqlWrites.StoredWrite stored) {
        try {
            item.response = IdempotentSqlWrites.answer(item.claim, stored, RecordEventResponse.parser());
        } catch (DomainException refused) {
            item.refusal = refused;
        }
    }

    private Uni<Void> appendOn(SqlConnection connection, List<BatchItem> items) {
        Set<String> robotIds = new HashSet<>();
        boolean remedies = false;
        for (BatchItem item : items) {
            robotIds.add(item.checked.id().canonical());
            remedies |= item.checked.type() == EventType.EVENT_TYPE_RECALL_REMEDIED;
        }
        Instant now = items.get(0).context.at();
        Uni<Set<String>> openRecalls = remedies ? recalls.openFor(connection, robotIds)
                : Uni.createFrom().item(Set.<String>of());
        return robots.lockAll(connection, robotIds, now).chain(locked -> openRecalls.chain(open -> {
            Set<String> stillOpen = new HashSet<>(open);
            List<RobotRepository.Appended> appended = new ArrayList<>();
            Map<UUID, RecordEventResponse> responses = new LinkedHashMap<>();
            Set<UUID> refused = new HashSet<>();
            for (BatchItem item : items) {
                try {
                    RobotRepository.Appended a = apply(item, locked, stillOpen);
                    appended.add(a);
                    item.response = RecordEventResponse.newBuilder().setEvent(a.event()).build();
                    item.appended = true;
                    responses.put(item.context.requestId(), item.response);
                } catch (DomainException e) {
                    item.refusal = e;
                    refused.add(item.context.requestId());
                }
            }
            return robots.appendAll(connection, appended, now)
                    .chain(() -> log.appendAll(connection, appended.stream().map(a -> new TransparencyLog.Leaf(
                            LogKeys.LIFECYCLE_EVENT, LogKeys.event(a.event().getRobotId(), a.event().getSequence()),
                            io.robotid.evidence.codec.Hex.parse(a.event().getHash()))).toList()))
                    .chain(() -> IdempotentSqlWrites.completeAll(connection, responses, refused));
        }));
    }

    /** Applies one event to its robot's locked state, in memory; throws the refusal. */
    private RobotRepository.Appended apply(BatchItem item, Map<String, RobotRepository.LockedRobot> locked,
            Set<String> openRecalls) {
        RecordEventRequest request = item.request;
        RobotId id = item.checked.id();
        EventType type = item.checked.type();
        RobotRepository.LockedRobot robot = locked.get(id.canonical());
        RobotState state = robot.state();
        long next = state.getLastSequence() + 1;
        if (request.getExpectedSequence() != 0 && request.getExpectedSequence() != next) {
            throw DomainException.aborted("SEQUENCE_CONFLICT", "expected sequence " + request.getExpectedSequence()
                    + " but the chain's next is " + next + ": another writer appended first; re-read and retry");
        }
        RecordingRights.check(item.context.caller(), type, id, state,
                request.getPayload().getIncidentReported().getPublicReport());
        RobotStatus after = StateMachine.next(state.getStatus(), type, robot.statusBeforeSuspension());
        if (type == EventType.EVENT_TYPE_RECALL_REMEDIED) {
            String campaign = request.getPayload().getRecallRemedied().getCampaignId();
            if (!openRecalls.remove(RecallRepository.openKey(campaign, id.canonical()))) {
                throw DomainException.failedPrecondition("RECALL_NOT_OPEN", "robot " + id.canonical()
                        + " has no open recall " + campaign, Map.of("robot_id", id.canonical()));
            }
        }
        LifecycleEvent event = EventChain.seal(LifecycleEvent.newBuilder()
                .setRobotId(id.canonical()).setSequence(next).setType(type)
                .setOccurredAt(request.getOccurredAt()).setPayload(request.getPayload())
                .setStatusAfter(after).setRecorded(stamp(item.context)).build(), robot.lastHash());
        RobotState projected = RobotProjection.apply(state, event, thresholds);
        RobotStatus beforeSuspension = ChainReplay.beforeSuspension(type, state.getStatus(), robot.statusBeforeSuspension());
        locked.put(id.canonical(), new RobotRepository.LockedRobot(projected, beforeSuspension, event.getHash()));
        return new RobotRepository.Appended(event, projected, beforeSuspension, FeedEntries.of(state, projected, event));
    }

    private static io.robotid.proto.common.v1.AuditStamp stamp(WriteContext context) {
        AuditStamp s = context.stamp();
        Builder b = io.robotid.proto.common.v1.AuditStamp.newBuilder().setSubject(s.subject).setRole(s.role)
                .setOrganisation(s.organisation).setRequestId(s.requestId.toString()).setTraceId(s.traceId)
                .setTime(Timestamp.newBuilder().setSeconds(s.at.getEpochSecond()).setNanos(s.at.getNano()));
        return b.build();
    }

}
