package io.robotid.identity.client;

import java.time.Duration;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import com.google.protobuf.Timestamp;

import io.quarkus.grpc.GrpcClient;
import io.robotid.identity.ResolverConfig;
import io.robotid.kit.grpc.PeerCalls;
import io.robotid.proto.lifecycle.v1.EventPayload;
import io.robotid.proto.lifecycle.v1.EventType;
import io.robotid.proto.lifecycle.v1.GetRecallCampaignRequest;
import io.robotid.proto.lifecycle.v1.GetRobotStatusRequest;
import io.robotid.proto.lifecycle.v1.IncidentReported;
import io.robotid.proto.lifecycle.v1.LifecycleEvent;
import io.robotid.proto.lifecycle.v1.ListEventsRequest;
import io.robotid.proto.lifecycle.v1.ListEventsResponse;
import io.robotid.proto.lifecycle.v1.MutinyLifecycleServiceGrpc;
import io.robotid.proto.lifecycle.v1.RecallCampaign;
import io.robotid.proto.lifecycle.v1.RecordEventRequest;
import io.robotid.proto.lifecycle.v1.RobotState;
import io.smallrye.mutiny.Uni;

/**
 * lifecycle-service, for the public robot page: the robot's status and (for those who may see
 * it) its events, asked with the viewer's token so that lifecycle-service applies its own
 * redaction; public incident reports, recorded with this service's REGISTRY_SERVICE token. Every
 * call has a deadline ({@code robotid.resolver.lifecycle-deadline}).
 */
@ApplicationScoped
public class LifecycleGateway {
    private final MutinyLifecycleServiceGrpc.MutinyLifecycleServiceStub lifecycle;
    private final Duration deadline;

    public LifecycleGateway(@GrpcClient("lifecycle") MutinyLifecycleServiceGrpc.MutinyLifecycleServiceStub lifecycle,
            ResolverConfig config) {
        this.lifecycle = lifecycle;
        this.deadline = config.lifecycleDeadline();
    }

    public Uni<RobotState> status(String token, String robotId) {
        return as(token).getRobotStatus(GetRobotStatusRequest.newBuilder().setRobotId(robotId).build())
                .map(response -> response.getState());
    }

    /** The first {@code pageSize} events, oldest first. */
    public Uni<ListEventsResponse> events(String token, String robotId, int pageSize) {
        return events(token, robotId, pageSize, "");
    }

    /** A page of events, oldest first, from {@code pageToken} (empty: the first). */
    public Uni<ListEventsResponse> events(String token, String robotId, int pageSize, String pageToken) {
        return as(token).listEvents(ListEventsRequest.newBuilder().setRobotId(robotId).setPageSize(pageSize)
                .setPageToken(pageToken).build());
    }

    /** When the robot's owner changed (SOLD, TRANSFER_ACCEPTED recorded), oldest first; {@code more}: beyond 500. */
    public record OwnerChanges(java.util.List<Instant> recordedAt, boolean more) {
    }

    public Uni<OwnerChanges> ownerChanges(String token, String robotId) {
        return as(token).listEvents(ListEventsRequest.newBuilder().setRobotId(robotId).setPageSize(500)
                .addTypes(EventType.EVENT_TYPE_SOLD).addTypes(EventType.EVENT_TYPE_TRANSFER_ACCEPTED).build())
                .map(page -> new OwnerChanges(page.getEventsList().stream().map(e -> Instant.ofEpochSecond(
                        e.getRecorded().getTime().getSeconds(), e.getRecorded().getTime().getNanos())).toList(),
                        !page.getNextPageToken().isEmpty()));
    }

    public Uni<RecallCampaign> recall(String token, String campaignId) {
        return as(token).getRecallCampaign(GetRecallCampaignRequest.newBuilder().setCampaignId(campaignId).build())
                .map(response -> response.getCampaign());
    }

    public Uni<LifecycleEvent> recordPublicReport(String serviceToken, String requestId, String robotId,
            Instant occurredAt, IncidentReported report) {
        return as(serviceToken).recordEvent(RecordEventRequest.newBuilder().setRequestId(requestId).setRobotId(robotId)
                .setOccurredAt(Timestamp.newBuilder().setSeconds(occurredAt.getEpochSecond())
                        .setNanos(occurredAt.getNano()))
                .setPayload(EventPayload.newBuilder().setIncidentReported(report)).build())
                .map(response -> response.getEvent());
    }

    private MutinyLifecycleServiceGrpc.MutinyLifecycleServiceStub as(String token) {
        return PeerCalls.stub(lifecycle, token, deadline);
    }
}
