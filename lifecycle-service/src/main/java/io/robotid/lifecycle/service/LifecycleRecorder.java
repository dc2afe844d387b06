package io.robotid.lifecycle.service;

import java.time.Clock;
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

import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;

import io.robotid.lifecycle.LifecycleConfig;
import io.robotid.kit.audit.AuditStamp;
import io.robotid.kit.audit.WriteContext;
import io.robotid.kit.error.DomainException;
import io.robotid.kit.error.GrpcErrors;
import io.robotid.kit.id.RobotId;
import io.robotid.kit.idempotency.IdempotentSqlWrites;
import io.robotid.kit.security.CallerIdentity;
import io.robotid.kit.validation.Violations;
import io.robotid.kit.peers.IssuedRobots;
import io.robotid.lifecycle.domain.ChainReplay;
import io.robotid.lifecycle.domain.EventChain;
import io.robotid.lifecycle.domain.FeedEntries;
import io.robotid.lifecycle.domain.MaintenanceThresholds;
import io.robotid.lifecycle.domain.PostedEvent;
import io.robotid.lifecycle.domain.RecordingRights;
import io.robotid.lifecycle.domain.RobotProjection;
import io.robotid.lifecycle.domain.StateMachine;
import io.robotid.lifecycle.repository.RecallRepository;
import io.robotid.lifecycle.repository.RobotRepository;
import io.robotid.proto.common.v1.AuditStamp.Builder;
import io.robotid.proto.lifecycle.v1.EventType;
import io.robotid.proto.lifecycle.v1.LifecycleEvent;
import io.robotid.proto.lifecycle.v1.RobotState;
import io.robotid.proto.lifecycle.v1.RobotStatus;
import io.smallrye.mutiny.Multi;
import io.robotid.kit.tlog.TransparencyLog;
import io.robotid.lifecycle.domain.LogKeys;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * Appends events to robots' chains, one event or a batch per transaction: retries are answered from
 * their stored results, the robots' rows locked (so two writers never fork a chain), each caller's
 * right and the state machine checked, each event sealed onto its chain and the projection updated in
 * memory, then everything stored with a statement per kind of row (the events, the robots, their
 * components, the feed, the log's leaves, the write records), and changes put on the feed.
 */
@ApplicationScoped
public class LifecycleRecorder {
    private final RobotRepository robots;
    private final RecallRepository recalls;
    private final IssuedRobots identity;
    private final MaintenanceThresholds thresholds;
    private final TransparencyLog log;
    private final LifecycleMeters meters;
    private final Clock clock;

    /** Requests per transaction of a stream (RecordEvents). */
    public static final int BATCH = 200;

    public LifecycleRecorder(RobotRepository robots, RecallRepository recalls, IssuedRobots identity, TransparencyLog log,
            LifecycleMeters meters, Clock clock, LifecycleConfig config) {
        this.robots = robots;
        this.recalls = recalls;
        this.identity = identity;
        this.log = log;
        this.meters = meters;
        this.clock = clock;
        this.thresholds = new MaintenanceThresholds(config.maintenance().batteryHealthBelow(),
                config.maintenance().jointWearAbove());
    }

    public MaintenanceThresholds thresholds() {
        return thresholds;
    }

    /** A posted event that passed the checks that need no database. */
    private record Checked(RobotId id, EventType type) {
    }

    /** Field rules, without touching the database. */
    private static Checked check(WriteContext context, PostedEvent posted) {
        Violations v = new Violations();
        RobotId id = v.robotId("robot_id", posted.robotId());
        Instant occurredAt = posted.occurredAt() != null ? Instant.ofEpochSecond(posted.occurredAt().getSeconds(),
                posted.occurredAt().getNanos()) : null;
        EventValidator.validate(posted.payload(), occurredAt, context.at(), v);
        if (posted.expectedSequence() < 0) {
            v.add("expected_sequence", "must be 0 (append) or the next sequence of the robot's chain");
        }
        v.throwIfAny();
        return new Checked(id, EventValidator.typeOf(posted.payload()));
    }

    /**
     * Records one event, its refusal thrown. Single calls that arrive while earlier ones are being written
     * are written together in the next transaction (group commit, at most {@value #BATCH} a transaction and
     * {@value #SINGLE_TRANSACTIONS_AT_ONCE} transactions at once): each gets the answer it would get alone, as
     * if the calls had run one after the other in arrival order, for a transaction and a commit shared.
     * The request is the adapter's, as sent: read and answered through {@code messages}, hashed for retries.
     */
    public <Q extends Message, R extends Message> Uni<R> record(WriteContext context, Q request,
            EventMessages<Q, R> messages) {
        return Uni.createFrom().<LifecycleEvent>emitter(emitter -> {
            List<Single> now;
            synchronized (singles) {
                singles.add(new Single(new Pending(0, context, request, messages.read().apply(request), messages),
                        emitter));
                if (singleTransactions == SINGLE_TRANSACTIONS_AT_ONCE) {
                    return; // a transaction that ends takes it
                }
                singleTransactions++;
                now = nextSingles();
            }
            recordSingles(now);
        }).map(messages.answer());
    }

    /** Transactions of single calls in flight at once. */
    static final int SINGLE_TRANSACTIONS_AT_ONCE = 4;

    /** A single call waiting for its transaction, and where its answer goes. */
    private record Single(Pending item, io.smallrye.mutiny.subscription.UniEmitter<? super LifecycleEvent> answer) {
    }

    /** Single calls not yet in a transaction, in arrival order; guarded by itself, with {@link #singleTransactions}. */
    private final java.util.ArrayDeque<Single> singles = new java.util.ArrayDeque<>();
    private int singleTransactions;

    /** Up to a batch of waiting single calls; the caller holds the lock. */
    private List<Single> nextSingles() {
        List<Single> next = new ArrayList<>(Math.min(BATCH, singles.size()));
        while (next.size() < BATCH && !singles.isEmpty()) {
            next.add(singles.poll());
        }
        return next;
    }

    private void recordSingles(List<Single> batch) {
        recordBatch(batch.stream().map(Single::item).toList()).subscribe().with(done -> {
            batch.forEach(single -> {
                if (single.item().refusal != null) {
                    single.answer().fail(single.item().refusal);
                } else {
                    single.answer().complete(single.item().event);
                }
            });
            recordNextSingles();
        }, failure -> {
            batch.forEach(single -> single.answer().fail(failure));
            recordNextSingles();
        });
    }

    private void recordNextSingles() {
        List<Single> next;
        synchronized (singles) {
            if (singles.isEmpty()) {
                singleTransactions--;
                return;
            }
            next = nextSingles();
        }
        recordSingles(next);
    }

    /**
     * What became of one request of a stream, at its position in the stream: the recorded event, or the
     * refusal. Exactly one of {@code event} and {@code refusal} is set.
     */
    public record Outcome(int index, String requestId, LifecycleEvent event, DomainException refusal) {
        public boolean recorded() {
            return refusal == null;
        }
    }

    /**
     * Records a stream of requests (RecordEvents) as RecordEvent would record each, in order; one
     * refusal does not stop the stream. Requests are taken in batches of {@value #BATCH} (the rest
     * when the client half-closes), each batch in one transaction with a statement per kind of row;
     * the outcomes come in the order of the requests.
     */
    public <Q extends Message> Multi<Outcome> recordStream(CallerIdentity caller, Multi<Q> requests,
            EventMessages<Q, ?> messages) {
        int[] next = { 0 };
        return inBatches(requests.map(request -> {
            int index = next[0]++;
            PostedEvent posted = messages.read().apply(request);
            try {
                return new Pending(index, WriteContext.of(caller, posted.requestId(), "RecordEvent", clock), request,
                        posted, messages);
            } catch (DomainException bad) {
                return Pending.refused(index, request, posted, messages, bad);
            }
        }));
    }

    /**
     * An event the registry posts itself, with the write context it is recorded under (made by the caller, as a
     * recall's notifications are).
     */
    public record Command(WriteContext context, PostedEvent event) {
    }

    /**
     * Records commands as {@link #recordStream} records requests: in batches, outcomes in order. Each is hashed
     * for retries as the request {@code messages} makes of it.
     */
    public Multi<Outcome> recordAll(Multi<Command> commands, EventMessages<?, ?> messages) {
        int[] next = { 0 };
        return inBatches(commands.map(command -> new Pending(next[0]++, command.context(),
                messages.request().apply(command.event()), command.event(), messages)));
    }

    private Multi<Outcome> inBatches(Multi<Pending> items) {
        // Size-only windows: Mutiny's time-bounded windows ignore back-pressure.
        return items.group().intoLists().of(BATCH)
                .onItem().transformToMultiAndConcatenate(batch -> recordBatch(batch).onItem()
                        .transformToMulti(done -> Multi.createFrom().iterable(batch.stream().map(Pending::outcome).toList())));
    }

    /**
     * One request while its batch is recorded; what became of it is read once, as an {@link Outcome},
     * when the batch is done. Only this class's write path changes it.
     */
    private static final class Pending {
        final int index;
        final WriteContext context;
        /** The request as sent (or made for an event the registry posts): only hashed, for retries. */
        final Message request;
        final PostedEvent posted;
        final EventMessages<?, ?> messages;
        DomainException refusal;
        /** The recorded event; while a retry's stored answer is being read, the reference it keeps. */
        LifecycleEvent event;
        Checked checked;
        IdempotentSqlWrites.Claim claim;
        /** Appended by this call (not a retry answered from its stored result). */
        boolean appended;

        Pending(int index, WriteContext context, Message request, PostedEvent posted, EventMessages<?, ?> messages) {
            this.index = index;
            this.context = context;
            this.request = request;
            this.posted = posted;
            this.messages = messages;
        }

        static Pending refused(int index, Message request, PostedEvent posted, EventMessages<?, ?> messages,
                DomainException refusal) {
            Pending p = new Pending(index, null, request, posted, messages);
            p.refusal = refusal;
            return p;
        }

        void reset() {
            refusal = null;
            event = null;
            appended = false;
        }

        Outcome outcome() {
            return new Outcome(index, posted.requestId(), refusal == null ? event : null, refusal);
        }
    }

    /**
     * Records a batch in one transaction; a refused event is left out and the others go in. If the
     * transaction itself fails (a deadlock with another stream, a request id recorded concurrently),
     * the events are recorded one by one.
     */
    private Uni<Void> recordBatch(List<Pending> batch) {
        List<Pending> items = batch.stream().filter(item -> item.refusal == null).toList();
        if (items.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return write(items).onFailure().recoverWithUni(failure -> Multi.createFrom().iterable(items)
                .filter(item -> item.checked != null)
                .onItem().transformToUniAndConcatenate(item -> {
                    item.reset();
                    return writeOnce(List.of(item)).replaceWithVoid()
                            .onFailure().recoverWithItem(single -> {
                                item.refusal = GrpcErrors.classify(single);
                                return null;
                            });
                }).collect().last().replaceWithVoid());
    }

    /**
     * {@link #write}, once more if a request id of it was recorded by a concurrent transaction: that
     * one has committed by then (our insert waited for it), so the second pass answers it as a retry.
     */
    private Uni<Void> writeOnce(List<Pending> items) {
        return write(items).onFailure(RecordedConcurrently.class).recoverWithUni(raced -> {
            items.forEach(Pending::reset);
            return write(items);
        });
    }

    /** A request id of the batch was recorded by a concurrent transaction first; this one rolls back. */
    private static final class RecordedConcurrently extends RuntimeException {
        RecordedConcurrently(int count) {
            super(count + " request ids were recorded by a concurrent write", null, false, false);
        }
    }

    private Uni<Void> write(List<Pending> items) {
        List<Pending> pending = new ArrayList<>();
        for (Pending item : items) {
            try {
                item.checked = check(item.context, item.posted);
                pending.add(item);
            } catch (DomainException e) {
                item.refusal = e;
            }
        }
        // Is each robot an issued ID? A robot already in the record is (its first event was checked); the
        // others are asked of identity-service (cached) in one call for the batch.
        Map<RobotId, List<Pending>> byRobot = new LinkedHashMap<>();
        pending.forEach(item -> byRobot.computeIfAbsent(item.checked.id(), id -> new ArrayList<>()).add(item));
        List<RobotId> unknown = byRobot.keySet().stream().filter(id -> !identity.knownIssued(id)).toList();
        Uni<Set<String>> recorded = unknown.isEmpty() ? Uni.createFrom().item(Set.of())
                : robots.recorded(unknown.stream().map(RobotId::canonical).toList());
        Uni<Void> issued = recorded.chain(inRecord -> {
            List<RobotId> ask = unknown.stream().filter(id -> !inRecord.contains(id.canonical())).toList();
            return ask.isEmpty() ? Uni.createFrom().voidItem() : identity.notIssued(ask)
                    .invoke(never -> ask.stream().filter(id -> never.contains(id.canonical())).forEach(id -> {
                        DomainException refusal = DomainException.notFound("robot", id.canonical());
                        byRobot.get(id).forEach(item -> item.refusal = refusal);
                    }))
                    .replaceWithVoid()
                    .onFailure().recoverWithUni(failure -> {
                        // identity-service could not tell: every event of the robots asked is refused, saying so
                        DomainException refusal = GrpcErrors.classify(failure);
                        ask.forEach(id -> byRobot.get(id).forEach(item -> item.refusal = refusal));
                        return Uni.createFrom().voidItem();
                    });
        });
        return issued.chain(() -> {
            List<Pending> toWrite = pending.stream().filter(item -> item.refusal == null).toList();
            return toWrite.isEmpty() ? Uni.createFrom().voidItem()
                    : robots.database().withTransaction(connection -> writeOn(connection, toWrite))
                            .invoke(() -> toWrite.stream().filter(item -> item.appended)
                                    .forEach(item -> meters.appended(item.checked.type())));
        });
    }

    /**
     * Inside the transaction: locks the robots, then answers retries from their stored results, applies
     * every other event in memory in stream order (rights, state machine, expected sequence, open recalls),
     * then stores the results set-based, the write records last. The statements of a step go out together,
     * pipelined on the connection (which runs them in order), rather than one round trip each.
     */
    private Uni<Void> writeOn(SqlConnection connection, List<Pending> items) {
        // A request id repeated inside the batch is answered like a retry of its first use.
        Map<UUID, Pending> first = new LinkedHashMap<>();
        Map<Pending, Pending> repeats = new LinkedHashMap<>();
        Set<String> robotIds = new HashSet<>();
        boolean remedies = false;
        for (Pending item : items) {
            item.claim = IdempotentSqlWrites.Claim.of(item.context, item.request);
            Pending earlier = first.putIfAbsent(item.context.requestId(), item);
            if (earlier != null) {
                repeats.put(item, earlier);
            }
            robotIds.add(item.checked.id().canonical());
            remedies |= item.checked.type() == EventType.EVENT_TYPE_RECALL_REMEDIED;
        }
        List<Pending> distinct = new ArrayList<>(first.values());
        Instant now = items.get(0).context.at();
        // The robots are locked first: a concurrent writer of the same request (a client's retry racing its
        // original) holds the same robot's lock until it commits, so the stored results read after the lock
        // include its record.
        Uni<Map<String, RobotRepository.LockedRobot>> lock = robots.lockAll(connection, robotIds, now);
        Uni<Set<String>> openRecalls = remedies ? recalls.openFor(connection, robotIds)
                : Uni.createFrom().item(Set.<String>of());
        Uni<Map<UUID, IdempotentSqlWrites.StoredWrite>> stored = IdempotentSqlWrites.stored(connection,
                distinct.stream().map(i -> i.context.requestId()).toList());
        return Uni.combine().all().unis(lock, openRecalls, stored).asTuple()
                .chain(read -> {
                    List<Pending> fresh = new ArrayList<>();
                    List<Pending> retried = new ArrayList<>();
                    for (Pending item : distinct) {
                        IdempotentSqlWrites.StoredWrite earlier = read.getItem3().get(item.context.requestId());
                        if (earlier == null) {
                            fresh.add(item);
                        } else {
                            replay(item, earlier);
                            if (item.event != null && isReference(item.event)) {
                                retried.add(item);
                            }
                        }
                    }
                    return answerFromChain(connection, retried).chain(() -> fresh.isEmpty() ? Uni.createFrom().voidItem()
                            : appendOn(connection, fresh, read.getItem1(), read.getItem2(), now));
                })
                .invoke(() -> repeats.forEach((repeat, earlier) -> {
                    if (!Arrays.equals(repeat.claim.requestHash(), earlier.claim.requestHash())) {
                        // the same id for other content inside one stream: refused like a reuse across calls
                        replay(repeat, null);
                    } else {
                        repeat.refusal = earlier.refusal;
                        repeat.event = earlier.event;
                    }
                }));
    }

    /**
     * What the write record keeps as a recorded event's answer: a reference to the event (robot, sequence,
     * hash), not the event again, which would double the bytes written per event. A retry reads the event
     * from the chain ({@link #answerFromChain}); records written before keep the whole answer and are
     * answered as stored. The answer around it is the adapter's ({@link EventMessages#answer}).
     */
    static LifecycleEvent reference(LifecycleEvent event) {
        return LifecycleEvent.newBuilder().setRobotId(event.getRobotId()).setSequence(event.getSequence())
                .setHash(event.getHash()).build();
    }

    /** Whether a stored answer's event is a {@link #reference} (a whole event has its recording stamp). */
    private static boolean isReference(LifecycleEvent stored) {
        return !stored.hasRecorded();
    }

    /** Replaces the retries' referenced answers with their events, read from the chains. */
    private Uni<Void> answerFromChain(SqlConnection connection, List<Pending> retried) {
        if (retried.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return robots.events(connection, retried.stream().map(item -> item.event).toList())
                .invoke(found -> retried.forEach(item -> {
                    LifecycleEvent ref = item.event;
                    LifecycleEvent event = found.get(RobotRepository.eventKey(ref.getRobotId(), ref.getSequence()));
                    if (event == null || !event.getHash().equals(ref.getHash())) {
                        item.event = null;
                        item.refusal = DomainException.dataLoss("EVIDENCE_MISMATCH", "event " + ref.getSequence()
                                + " of robot " + ref.getRobotId() + " that request " + item.context.requestId()
                                + " recorded is " + (event == null ? "missing" : "not the event recorded")
                                + "; VerifyChain names what changed", Map.of("table", "event",
                                        "key", "sequence=" + ref.getSequence()));
                    } else {
                        item.event = event;
                    }
                }))
                .replaceWithVoid();
    }

    private static void replay(Pending item, IdempotentSqlWrites.StoredWrite stored) {
        try {
            item.event = storedEvent(item.claim, stored, item.messages);
        } catch (DomainException refused) {
            item.refusal = refused;
        }
    }

    /**
     * The event of a stored answer (a reference, or the whole event for records written before references): the
     * answer is parsed as the adapter's message and its event taken out, refused as the kit refuses a reused id.
     */
    private static <R extends Message> LifecycleEvent storedEvent(IdempotentSqlWrites.Claim claim,
            IdempotentSqlWrites.StoredWrite stored, EventMessages<?, R> messages) {
        return messages.event().apply(IdempotentSqlWrites.answer(claim, stored, messages.parser()));
    }

    private Uni<Void> appendOn(SqlConnection connection, List<Pending> items,
            Map<String, RobotRepository.LockedRobot> locked, Set<String> openRecalls, Instant now) {
        Set<String> stillOpen = new HashSet<>(openRecalls);
        List<RobotRepository.Appended> appended = new ArrayList<>();
        List<IdempotentSqlWrites.Claim> claims = new ArrayList<>();
        List<Message> responses = new ArrayList<>();
        for (Pending item : items) {
            try {
                RobotRepository.Appended a = apply(item, locked, stillOpen);
                appended.add(a);
                item.event = a.event();
                item.appended = true;
                claims.add(item.claim);
                responses.add(item.messages.answer().apply(reference(a.event())));
            } catch (DomainException e) {
                // refused: no write record, so a corrected retry with the same id runs
                item.refusal = e;
            }
        }
        if (appended.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        // Pipelined in this order: the log's leaves and the write records first, the robots' rows and the feed
        // last, so that the feed lock (which orders every writer's feed entries) is held only for the feed's own
        // statements and the commit, not for the two largest inserts of the batch.
        return Uni.combine().all().unis(
                log.appendAll(connection, appended.stream().map(a -> new TransparencyLog.Leaf(LogKeys.LIFECYCLE_EVENT,
                        LogKeys.event(a.event().getRobotId(), a.event().getSequence()),
                        io.robotid.evidence.codec.Hex.parse(a.event().getHash()))).toList()),
                IdempotentSqlWrites.recordAll(connection, claims, responses),
                robots.appendAll(connection, appended, now))
                .asTuple()
                .invoke(written -> {
                    if (written.getItem2().size() < claims.size()) {
                        throw new RecordedConcurrently(claims.size() - written.getItem2().size());
                    }
                })
                .replaceWithVoid();
    }

    /** Applies one event to its robot's locked state, in memory; throws the refusal. */
    private RobotRepository.Appended apply(Pending item, Map<String, RobotRepository.LockedRobot> locked,
            Set<String> openRecalls) {
        PostedEvent posted = item.posted;
        RobotId id = item.checked.id();
        EventType type = item.checked.type();
        RobotRepository.LockedRobot robot = locked.get(id.canonical());
        RobotState state = robot.state();
        long next = state.getLastSequence() + 1;
        if (posted.expectedSequence() != 0 && posted.expectedSequence() != next) {
            throw DomainException.aborted("SEQUENCE_CONFLICT", "expected sequence " + posted.expectedSequence()
                    + " but the chain's next is " + next + ": another writer appended first; re-read and retry");
        }
        RecordingRights.check(item.context.caller(), type, id, state,
                posted.payload().getIncidentReported().getPublicReport());
        RobotStatus after = StateMachine.next(state.getStatus(), type, robot.statusBeforeSuspension());
        if (type == EventType.EVENT_TYPE_RECALL_REMEDIED) {
            String campaign = posted.payload().getRecallRemedied().getCampaignId();
            if (!openRecalls.remove(RecallRepository.openKey(campaign, id.canonical()))) {
                throw DomainException.failedPrecondition("RECALL_NOT_OPEN", "robot " + id.canonical()
                        + " has no open recall " + campaign, Map.of("robot_id", id.canonical()));
            }
        }
        LifecycleEvent event = EventChain.seal(LifecycleEvent.newBuilder()
                .setRobotId(id.canonical()).setSequence(next).setType(type)
                // occurred_at was sent (check() refuses an event without it)
                .setOccurredAt(posted.occurredAt()).setPayload(posted.payload())
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
