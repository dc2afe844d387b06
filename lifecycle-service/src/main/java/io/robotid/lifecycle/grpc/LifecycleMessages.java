package io.robotid.lifecycle.grpc;

import io.robotid.lifecycle.domain.PostedEvent;
import io.robotid.lifecycle.domain.PostedRecall;
import io.robotid.lifecycle.service.EventMessages;
import io.robotid.lifecycle.service.RecallMessages;
import io.robotid.proto.lifecycle.v1.CreateRecallCampaignRequest;
import io.robotid.proto.lifecycle.v1.CreateRecallCampaignResponse;
import io.robotid.proto.lifecycle.v1.LifecycleEvent;
import io.robotid.proto.lifecycle.v1.RecallCampaign;
import io.robotid.proto.lifecycle.v1.RecordEventRequest;
import io.robotid.proto.lifecycle.v1.RecordEventResponse;

/**
 * The edge of lifecycle-service's writes: requests as the domain's inputs, the domain's results as answers. The
 * services get these as {@link EventMessages} and {@link RecallMessages} and only hand the messages to the kit's
 * idempotency (requests hashed as sent, answers kept as these bytes and parsed back), so what a write record holds
 * is made here.
 */
public final class LifecycleMessages {
    private LifecycleMessages() {
    }

    /** RecordEvent's messages, also those a recall's notifications are recorded as. */
    public static final EventMessages<RecordEventRequest, RecordEventResponse> EVENTS = new EventMessages<>(
            LifecycleMessages::posted, LifecycleMessages::request, LifecycleMessages::recorded,
            RecordEventResponse::getEvent, RecordEventResponse.parser());

    /** CreateRecallCampaign's messages: the answer a retry gets back carries the campaign's id. */
    public static final RecallMessages<CreateRecallCampaignRequest, CreateRecallCampaignResponse> RECALLS =
            new RecallMessages<>(LifecycleMessages::posted, LifecycleMessages::created,
                    CreateRecallCampaignResponse::getCampaign, CreateRecallCampaignResponse.parser());

    /** What a RecordEventRequest posts: "not sent" as null for the time; the payload as sent. */
    public static PostedEvent posted(RecordEventRequest request) {
        return new PostedEvent(request.getRequestId(), request.getRobotId(),
                request.hasOccurredAt() ? request.getOccurredAt() : null, request.getPayload(),
                request.getExpectedSequence());
    }

    /**
     * The RecordEventRequest that posts an event (the registry's own, a recall's notifications, which always carry a
     * payload and a time): {@code posted(request(e))} is {@code e}, and the same event makes the same bytes.
     */
    public static RecordEventRequest request(PostedEvent event) {
        RecordEventRequest.Builder request = RecordEventRequest.newBuilder().setRequestId(event.requestId())
                .setRobotId(event.robotId()).setPayload(event.payload()).setExpectedSequence(event.expectedSequence());
        if (event.occurredAt() != null) {
            request.setOccurredAt(event.occurredAt());
        }
        return request.build();
    }

    /** The answer carrying an event: the recorded one, or the reference a write record keeps. */
    public static RecordEventResponse recorded(LifecycleEvent event) {
        return RecordEventResponse.newBuilder().setEvent(event).build();
    }

    public static PostedRecall posted(CreateRecallCampaignRequest request) {
        return new PostedRecall(request.getTitle(), request.getDescription(), request.getSeverity(),
                request.getCriteria());
    }

    /** The answer carrying a campaign: as kept for retries, its id only. */
    public static CreateRecallCampaignResponse created(RecallCampaign campaign) {
        return CreateRecallCampaignResponse.newBuilder().setCampaign(campaign).build();
    }
}
