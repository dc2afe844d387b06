package io.robotid.lifecycle.grpc;

import java.time.Clock;
import java.time.Instant;

import jakarta.inject.Inject;

import com.google.protobuf.Timestamp;

import io.grpc.ServerServiceDefinition;
import io.quarkus.arc.NoClassInterceptors;
import io.quarkus.grpc.GrpcService;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.robotid.kit.audit.WriteContext;
import io.robotid.kit.grpc.FlowControl;
import io.robotid.kit.paging.PageRequest;
import io.robotid.kit.security.CallerIdentity;
import io.robotid.lifecycle.domain.EventChain;
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
public class LifecycleGrpcService extends MutinyLifecycleServiceGrpc.LifecycleServiceImplBase {
    private final LifecycleRecorder recorder;
    private final LifecycleQueries queries;
    private final RecallService recalls;
    private final ChainVerification verification;
    private final SecurityIdentity identity;
    private final Clock clock;

    @Inject
    public LifecycleGrpcService(LifecycleRecorder recorder, LifecycleQueries queries, RecallService recalls,
            ChainVerification verification, SecurityIdentity identity, Clock clock) {
        this.recorder = recorder;
        this.queries = queries;
        this.recalls = recalls;
        this.verification = verification;
        this.identity = identity;
        this.clock = clock;
    }

    @Override
    public Uni<RecordEventResponse> recordEvent(RecordEventRequest request) {
        return recorder.record(
                WriteContext.of(CallerIdentity.from(identity), request.getRequestId(), "RecordEvent", clock), request,
                LifecycleMessages.EVENTS);
    }

    /**
     * As generated, but with flow control (the kit's {@link FlowControl}): RecordEvents takes a stream's events only
     * as the recorder asks for them (a batch at a time), so a bulk upload waits in the client, not in this service's
     * heap; the status feed and a recall's robots are read only as fast as the caller takes them, so a follower that
     * falls behind leaves its entries in the database, not in this service's outbound buffers. Called once at start,
     * with no caller: the class's security binding is for the RPCs, which are checked as before.
     */
    @Override
    @NoClassInterceptors
    public ServerServiceDefinition bindService() {
        ServerServiceDefinition service = FlowControl.clientStreaming(super.bindService(),
                LifecycleServiceGrpc.getRecordEventsMethod(), this::recordEvents);
        service = FlowControl.serverStreaming(service, LifecycleServiceGrpc.getWatchStatusChangesMethod(),
                this::watchStatusChanges);
        return FlowControl.serverStreaming(service, LifecycleServiceGrpc.getListAffectedRobotsMethod(),
                this::listAffectedRobots);
    }

    /** Each request as RecordEvent would record it, in order; one refusal does not stop the stream. */
    @Override
    public Uni<RecordEventsResponse> recordEvents(Multi<RecordEventsRequest> requests) {
        return recorder.recordStream(CallerIdentity.from(identity), requests.map(RecordEventsRequest::getEvent),
                LifecycleMessages.EVENTS)
                .collect().in(RecordEventsResponse::newBuilder, (answer, outcome) -> {
                    if (outcome.recorded()) {
                        answer.setRecorded(answer.getRecorded() + 1);
                    } else {
                        answer.addRefused(RefusedEvent.newBuilder().setIndex(outcome.index())
                                .setRequestId(outcome.requestId())
                                .setCode(outcome.refusal().kind().grpcCode().name())
                                .setMessage(String.valueOf(outcome.refusal().getMessage())));
                    }
                })
                .map(RecordEventsResponse.Builder::build);
    }

    @Override
    @RolesAllowed({ Role.Names.MANUFACTURER, Role.Names.REGULATOR })
    public Uni<CreateRecallCampaignResponse> createRecallCampaign(CreateRecallCampaignRequest request) {
        return recalls.create(
                WriteContext.of(CallerIdentity.from(identity), request.getRequestId(), "CreateRecallCampaign", clock),
                identity.getCredential(AccessTokenCredential.class).getToken(), request, LifecycleMessages.RECALLS,
                LifecycleMessages.EVENTS)
                .map(LifecycleMessages::created);
    }

    @Override
    public Uni<GetRecallCampaignResponse> getRecallCampaign(GetRecallCampaignRequest request) {
        return recalls.get(request.getCampaignId())
                .map(campaign -> GetRecallCampaignResponse.newBuilder().setCampaign(campaign).build());
    }

    @Override
    public Multi<ListAffectedRobotsResponse> listAffectedRobots(ListAffectedRobotsRequest request) {
        return recalls.affected(request.getCampaignId(), request.getPageSize(), request.getPageToken()).map(listed -> {
            ListAffectedRobotsResponse.Builder robot = ListAffectedRobotsResponse.newBuilder()
                    .setRobotId(listed.robot().robotId()).setNextPageToken(listed.nextPageToken());
            listed.robot().remediedAt().ifPresent(at -> robot.setRemedied(true).setRemediedAt(EventChain.timestamp(at)));
            return robot.build();
        });
    }

    @Override
    public Uni<GetRobotAtResponse> getRobotAt(GetRobotAtRequest request) {
        return queries.stateAt(CallerIdentity.from(identity), request.getRobotId(),
                request.hasAt() ? instant(request.getAt()) : null)
                .map(state -> GetRobotAtResponse.newBuilder().setState(state).build());
    }

    @Override
    @RolesAllowed({ Role.Names.REGULATOR, Role.Names.AUDITOR, Role.Names.MANUFACTURER, Role.Names.OPERATOR })
    public Uni<FindRobotsResponse> findRobots(FindRobotsRequest request) {
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
    }

    @Override
    public Uni<ListEventsResponse> listEvents(ListEventsRequest request) {
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
    }

    @Override
    public Uni<GetRobotStatusResponse> getRobotStatus(GetRobotStatusRequest request) {
        return queries.state(CallerIdentity.from(identity), request.getRobotId())
                .map(state -> GetRobotStatusResponse.newBuilder().setState(state).build());
    }

    @Override
    public Uni<VerifyChainResponse> verifyChain(VerifyChainRequest request) {
        return verification.verify(request.getRobotId()).map(report -> VerifyChainResponse.newBuilder()
                .setIntact(report.intact()).setEventsChecked(report.eventsChecked())
                .setFirstBrokenSequence(report.firstBrokenSequence()).addAllDiscrepancies(report.discrepancies())
                .setHeadHash(report.headHash()).build());
    }

    /**
     * Every change after {@code from_sequence}, in order, then new ones as they commit. The feed's
     * numbers follow commit order, so resuming from the last applied number loses nothing and
     * repeats nothing.
     */
    @Override
    @RolesAllowed({ Role.Names.REGISTRY_SERVICE, Role.Names.REGULATOR, Role.Names.AUDITOR })
    public Multi<WatchStatusChangesResponse> watchStatusChanges(WatchStatusChangesRequest request) {
        return queries.statusChanges(request.getFromSequence());
    }

    private static Instant instant(Timestamp t) {
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
    }

}
