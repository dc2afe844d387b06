package io.robotid.lifecycle.grpc;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.inject.Inject;

import com.google.protobuf.Timestamp;

import io.quarkus.grpc.GrpcService;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.robotid.kit.audit.WriteContext;
import io.robotid.kit.error.DomainException;
import io.robotid.kit.error.GrpcErrors;
import io.robotid.kit.paging.PageRequest;
import io.robotid.kit.security.CallerIdentity;
import io.robotid.lifecycle.repository.RobotRepository;
import io.robotid.lifecycle.service.ChainVerification;
import io.robotid.lifecycle.service.LifecycleQueries;
import io.robotid.lifecycle.service.LifecycleRecorder;
import io.robotid.lifecycle.service.RecallService;
import io.robotid.kit.security.Role;
import io.quarkus.oidc.AccessTokenCredential;
import jakarta.annotation.security.RolesAllowed;
import io.robotid.proto.lifecycle.v1.*;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * The gRPC face of lifecycle-service: proto in, domain call, proto out, errors mapped here.
 * Who may record which event is decided per event by the domain (RecordingRights).
 */
@GrpcService
@Authenticated
public class LifecycleGrpcService implements LifecycleService {
    /** How often a caught-up feed looks for new changes. */
    static final Duration FEED_POLL = Duration.ofMillis(200);
    static final int FEED_PAGE = 500;

    private final LifecycleRecorder recorder;
    private final LifecycleQueries queries;
    private final RecallService recalls;
    private final ChainVerification verification;
    private final RobotRepository robots;
    private final SecurityIdentity identity;
    private final Clock clock;

    @Inject
    public LifecycleGrpcService(LifecycleRecorder recorder, LifecycleQueries queries, RecallService recalls,
            ChainVerification verification, RobotRepository robots,
            SecurityIdentity identity, Clock clock) {
        this.recorder = recorder;
        this.queries = queries;
        this.recalls = recalls;
        this.verification = verification;
        this.robots = robots;
        this.identity = identity;
        this.clock = clock;
    }

    @Override
    public Uni<RecordEventResponse> recordEvent(RecordEventRequest request) {
        return Uni.createFrom().<RecordEventResponse>deferred(() -> recorder.record(
                WriteContext.of(CallerIdentity.from(identity), request.getRequestId(), "RecordEvent", clock), request))
                .onFailure().transform(GrpcErrors::toStatusException);
    }

    /** Requests per transaction in RecordEvents. */
    static final int BATCH = 200;

    /**
     * Each request as RecordEvent would record it, in order; one refusal does not stop the stream.
     * Requests are taken in batches of {@value #BATCH} (the rest when the client half-closes), each
     * batch in one transaction.
     */
    @Override
    public Uni<RecordEventsResponse> recordEvents(Multi<RecordEventsRequest> requests) {
        CallerIdentity caller = CallerIdentity.from(identity);
        java.util.concurrent.atomic.AtomicInteger index = new java.util.concurrent.atomic.AtomicInteger();
        // Size-only windows: Mutiny's time-bounded windows ignore back-pressure. A partial batch is
        // recorded when the client half-closes the stream.
        return requests.group().intoLists().of(BATCH)
                .onItem().transformToUniAndConcatenate(batch -> {
                    List<LifecycleRecorder.BatchItem> items = new java.util.ArrayList<>();
                    List<Integer> positions = new java.util.ArrayList<>();
                    for (RecordEventsRequest item : batch) {
                        positions.add(index.getAndIncrement());
                        RecordEventRequest request = item.getEvent();
                        WriteContext context;
                        try {
                            context = WriteContext.of(caller, request.getRequestId(), "RecordEvent", clock);
                        } catch (DomainException bad) {
                            LifecycleRecorder.BatchItem refused = new LifecycleRecorder.BatchItem(null, request);
                            refused.refusal = bad;
                            items.add(refused);
                            continue;
                        }
                        items.add(new LifecycleRecorder.BatchItem(context, request));
                    }
                    List<LifecycleRecorder.BatchItem> toRecord = items.stream().filter(i -> i.refusal == null).toList();
                    return recorder.recordBatch(toRecord).replaceWith(() -> {
                        RecordEventsResponse.Builder part = RecordEventsResponse.newBuilder();
                        for (int i = 0; i < items.size(); i++) {
                            LifecycleRecorder.BatchItem item = items.get(i);
                            if (item.refusal == null) {
                                part.setRecorded(part.getRecorded() + 1);
                            } else {
                                part.addRefused(RefusedEvent.newBuilder().setIndex(positions.get(i))
                                        .setRequestId(item.request.getRequestId())
                                        .setCode(item.refusal.kind().grpcCode().name())
                                        .setMessage(String.valueOf(item.refusal.getMessage())));
                            }
                        }
                        return part.build();
                    });
                })
                .collect().in(RecordEventsResponse::newBuilder, (total, part) -> total
                        .setRecorded(total.getRecorded() + part.getRecorded()).addAllRefused(part.getRefusedList()))
                .map(RecordEventsResponse.Builder::build)
                .onFailure().transform(GrpcErrors::toStatusException);
    }

    @Override
    @RolesAllowed({ Role.Names.MANUFACTURER, Role.Names.REGULATOR })
    public Uni<CreateRecallCampaignResponse> createRecallCampaign(CreateRecallCampaignRequest request) {
        return Uni.createFrom().<CreateRecallCampaignResponse>deferred(() -> recalls.create(
                WriteContext.of(CallerIdentity.from(identity), request.getRequestId(), "CreateRecallCampaign", clock),
                identity.getCredential(AccessTokenCredential.class).getToken(), request)
                .map(campaign -> CreateRecallCampaignResponse.newBuilder().setCampaign(campaign).build()))
                .onFailure().transform(GrpcErrors::toStatusException);
    }

    @Override
    public Uni<GetRecallCampaignResponse> getRecallCampaign(GetRecallCampaignRequest request) {
        return Uni.createFrom().<GetRecallCampaignResponse>deferred(() -> recalls.get(request.getCampaignId())
                .map(campaign -> GetRecallCampaignResponse.newBuilder().setCampaign(campaign).build()))
                .onFailure().transform(GrpcErrors::toStatusException);
    }

    @Override
    public Multi<ListAffectedRobotsResponse> listAffectedRobots(ListAffectedRobotsRequest request) {
        return Uni.createFrom().<List<ListAffectedRobotsResponse>>deferred(() -> recalls.affected(request.getCampaignId()))
                .onItem().transformToMulti(list -> Multi.createFrom().iterable(list))
                .onFailure().transform(GrpcErrors::toStatusException);
    }

    @Override
    public Uni<GetRobotAtResponse> getRobotAt(GetRobotAtRequest request) {
        return Uni.createFrom().<GetRobotAtResponse>deferred(() -> queries.stateAt(CallerIdentity.from(identity), request.getRobotId(),
                request.hasAt() ? instant(request.getAt()) : null)
                .map(state -> GetRobotAtResponse.newBuilder().setState(state).build()))
                .onFailure().transform(GrpcErrors::toStatusException);
    }

    @Override
    @RolesAllowed({ Role.Names.REGULATOR, Role.Names.AUDITOR, Role.Names.MANUFACTURER, Role.Names.OPERATOR })
    public Uni<FindRobotsResponse> findRobots(FindRobotsRequest request) {
        return Uni.createFrom().<FindRobotsResponse>deferred(() -> {
            String filters = request.toBuilder().clearPageSize().clearPageToken().build().toString();
            PageRequest page = PageRequest.of(request.getPageSize(), request.getPageToken(), filters);
            RobotStatus status = request.getStatus() == RobotStatus.ROBOT_STATUS_UNSPECIFIED
                    || request.getStatus() == RobotStatus.UNRECOGNIZED ? null : request.getStatus();
            return queries.find(CallerIdentity.from(identity), new LifecycleQueries.Find(request.getModelCode(), status,
                    request.getOperatorOrgId(), request.getFirmwareVersion(), request.getAiModelVersion(),
                    request.getPartNumber(), request.getLotsList()), page).map(result -> {
                        FindRobotsResponse.Builder b = FindRobotsResponse.newBuilder().addAllRobots(result.robots());
                        if (result.nextCursor() != null) {
                            b.setNextPageToken(PageRequest.tokenAfter(result.nextCursor(), filters));
                        }
                        return b.build();
                    });
        }).onFailure().transform(GrpcErrors::toStatusException);
    }

    @Override
    public Uni<ListEventsResponse> listEvents(ListEventsRequest request) {
        return Uni.createFrom().<ListEventsResponse>deferred(() -> {
            String filters = request.getRobotId().toUpperCase() + "|" + request.getTypesList() + "|"
                    + request.getFrom() + "|" + request.getTo();
            PageRequest page = PageRequest.of(request.getPageSize(), request.getPageToken(), filters);
            return queries.events(CallerIdentity.from(identity), request.getRobotId(), request.getTypesList(),
                    request.hasFrom() ? instant(request.getFrom()) : null, request.hasTo() ? instant(request.getTo()) : null,
                    page).map(result -> {
                        ListEventsResponse.Builder b = ListEventsResponse.newBuilder().addAllEvents(result.events())
                                .setCustodyWithheld(result.custodyWithheld());
                        if (result.nextCursor() != null) {
                            b.setNextPageToken(PageRequest.tokenAfter(result.nextCursor(), filters));
                        }
                        return b.build();
                    });
        }).onFailure().transform(GrpcErrors::toStatusException);
    }

    @Override
    public Uni<GetRobotStatusResponse> getRobotStatus(GetRobotStatusRequest request) {
        return Uni.createFrom().<GetRobotStatusResponse>deferred(() -> queries.state(CallerIdentity.from(identity), request.getRobotId())
                .map(state -> GetRobotStatusResponse.newBuilder().setState(state).build()))
                .onFailure().transform(GrpcErrors::toStatusException);
    }

    @Override
    public Uni<VerifyChainResponse> verifyChain(VerifyChainRequest request) {
        return Uni.createFrom().<VerifyChainResponse>deferred(() -> verification.verify(request.getRobotId()))
                .onFailure().transform(GrpcErrors::toStatusException);
    }

    /**
     * Every change after {@code from_sequence}, in order, then new ones as they commit. The feed's
     * numbers follow commit order, so resuming from the last applied number loses nothing and
     * repeats nothing.
     */
    @Override
    @RolesAllowed({ Role.Names.REGISTRY_SERVICE, Role.Names.REGULATOR, Role.Names.AUDITOR })
    public Multi<WatchStatusChangesResponse> watchStatusChanges(WatchStatusChangesRequest request) {
        if (request.getFromSequence() < 0) {
            return Multi.createFrom().failure(GrpcErrors.toStatusException(
                    DomainException.invalidArgument("from_sequence", "must be 0 or a feed sequence already received")));
        }
        AtomicLong last = new AtomicLong(request.getFromSequence());
        return Multi.createBy().repeating()
                .uni(() -> robots.feedAfter(last.get(), FEED_PAGE)
                        .call(page -> page.size() < FEED_PAGE
                                ? Uni.createFrom().voidItem().onItem().delayIt().by(FEED_POLL)
                                : Uni.createFrom().voidItem()))
                .indefinitely()
                .onItem().transformToIterable(page -> page)
                .filter(change -> change.getFeedSequence() > last.get())
                .invoke(change -> last.set(change.getFeedSequence()))
                .onFailure().transform(GrpcErrors::toStatusException);
    }

    private static Instant instant(Timestamp t) {
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
    }

}
