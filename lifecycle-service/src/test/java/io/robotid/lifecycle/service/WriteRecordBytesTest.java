package io.robotid.lifecycle.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.google.protobuf.Timestamp;

import io.robotid.kit.idempotency.RequestHash;
import io.robotid.lifecycle.domain.EventChain;
import io.robotid.lifecycle.domain.PostedEvent;
import io.robotid.lifecycle.grpc.LifecycleMessages;
import io.robotid.lifecycle.support.Fleet;
import io.robotid.proto.common.v1.AuditStamp;
import io.robotid.proto.lifecycle.v1.CreateRecallCampaignResponse;
import io.robotid.proto.lifecycle.v1.EventPayload;
import io.robotid.proto.lifecycle.v1.EventType;
import io.robotid.proto.lifecycle.v1.LifecycleEvent;
import io.robotid.proto.lifecycle.v1.RecallCampaign;
import io.robotid.proto.lifecycle.v1.RecallNotified;
import io.robotid.proto.lifecycle.v1.RecallSeverity;
import io.robotid.proto.lifecycle.v1.RecordEventRequest;
import io.robotid.proto.lifecycle.v1.RecordEventResponse;
import io.robotid.proto.lifecycle.v1.RobotStatus;

/**
 * What write records hold stays byte for byte what it was when the recorder and the recalls built the wire messages
 * themselves: the hash of a recall's notification (so a retried creation is a retry of each, not a reused id), the
 * reference kept as a recorded event's answer, a campaign's kept answer; and both forms of a kept event answer read
 * back to the answer they were. The "before" side is the code as it was, copied.
 */
class WriteRecordBytesTest {
    private static final String ROBOT = "DE00010000012601000000000001G";
    private static final UUID CAMPAIGN = UUID.fromString("0b7b8f1e-2c55-3d7e-9a61-4f1f1c2a9d01");

    /** RecallService.notifyAll's request, as it was built before. */
    private static RecordEventRequest notificationBefore(UUID campaignId, RecallSeverity severity, Timestamp at,
            String robotId) {
        return RecordEventRequest.newBuilder()
                .setRequestId(UUID.nameUUIDFromBytes((campaignId + "/" + robotId).getBytes(StandardCharsets.UTF_8))
                        .toString())
                .setRobotId(robotId).setOccurredAt(at)
                .setPayload(EventPayload.newBuilder().setRecallNotified(RecallNotified.newBuilder()
                        .setCampaignId(campaignId.toString()).setSeverity(severity)))
                .build();
    }

    @Test
    void aRecallsNotificationsHashAsBefore() {
        for (RecallSeverity severity : new RecallSeverity[] { RecallSeverity.RECALL_SEVERITY_ADVISORY,
                RecallSeverity.RECALL_SEVERITY_STOP_USE }) {
            for (String robot : new String[] { ROBOT, "FR00020000022602000000000042X" }) {
                Timestamp at = Timestamp.newBuilder().setSeconds(1_790_000_000L).build();
                PostedEvent posted = RecallService.notification(CAMPAIGN, severity, at, robot);
                RecordEventRequest before = notificationBefore(CAMPAIGN, severity, at, robot);
                RecordEventRequest now = LifecycleMessages.EVENTS.request().apply(posted);
                assertThat(now.toByteArray()).isEqualTo(before.toByteArray());
                assertThat(RequestHash.of("RecordEvent", now)).isEqualTo(RequestHash.of("RecordEvent", before));
                assertThat(posted.requestId()).isEqualTo(before.getRequestId());
                assertThat(LifecycleMessages.EVENTS.read().apply(now)).isEqualTo(posted);
            }
        }
    }

    @Test
    void aRequestReadsAsSentAndIsMadeBackTheSame() {
        RecordEventRequest sent = RecordEventRequest.newBuilder().setRequestId(UUID.randomUUID().toString())
                .setRobotId(ROBOT.toLowerCase()).setOccurredAt(Timestamp.newBuilder().setSeconds(1_790_000_000L)
                        .setNanos(123_456_789))
                .setPayload(Fleet.produced()).setExpectedSequence(7).build();
        PostedEvent posted = LifecycleMessages.posted(sent);
        assertThat(posted).isEqualTo(new PostedEvent(sent.getRequestId(), sent.getRobotId(), sent.getOccurredAt(),
                sent.getPayload(), 7));
        assertThat(LifecycleMessages.request(posted).toByteArray()).isEqualTo(sent.toByteArray());
        // not sent stays not sent
        PostedEvent bare = LifecycleMessages.posted(RecordEventRequest.getDefaultInstance());
        assertThat(bare.occurredAt()).isNull();
        assertThat(bare.payload()).isEqualTo(EventPayload.getDefaultInstance());
        assertThat(bare.expectedSequence()).isZero();
    }

    private static LifecycleEvent sealed() {
        return EventChain.seal(LifecycleEvent.newBuilder().setRobotId(ROBOT).setSequence(3)
                .setType(EventType.EVENT_TYPE_PRODUCED).setOccurredAt(Timestamp.newBuilder().setSeconds(1_790_000_000L))
                .setPayload(Fleet.produced()).setStatusAfter(RobotStatus.ROBOT_STATUS_IN_STOCK)
                .setRecorded(AuditStamp.newBuilder().setSubject("maker").setRole("MANUFACTURER")
                        .setRequestId(UUID.randomUUID().toString())
                        .setTime(Timestamp.newBuilder().setSeconds(1_790_000_001L)))
                .build(), EventChain.GENESIS);
    }

    @Test
    void aRecordedEventKeepsTheSameReferenceAndBothFormsReadBack() throws Exception {
        LifecycleEvent event = sealed();
        // LifecycleRecorder.reference as it was: the answer around a reference (robot, sequence, hash)
        byte[] before = RecordEventResponse.newBuilder().setEvent(LifecycleEvent.newBuilder()
                .setRobotId(event.getRobotId()).setSequence(event.getSequence()).setHash(event.getHash())).build()
                .toByteArray();
        RecordEventResponse kept = LifecycleMessages.EVENTS.answer().apply(LifecycleRecorder.reference(event));
        assertThat(kept.toByteArray()).isEqualTo(before);

        LifecycleEvent reference = LifecycleMessages.EVENTS.event()
                .apply(LifecycleMessages.EVENTS.parser().parseFrom(before));
        assertThat(reference.hasRecorded()).isFalse(); // read from the chain on a retry
        assertThat(reference.getHash()).isEqualTo(event.getHash());

        // a record written before references keeps the whole answer; a retry gets those bytes back
        byte[] whole = RecordEventResponse.newBuilder().setEvent(event).build().toByteArray();
        LifecycleEvent read = LifecycleMessages.EVENTS.event().apply(LifecycleMessages.EVENTS.parser().parseFrom(whole));
        assertThat(read.hasRecorded()).isTrue();
        assertThat(LifecycleMessages.EVENTS.answer().apply(read).toByteArray()).isEqualTo(whole);
        assertThat(LifecycleMessages.EVENTS.answer().apply(read))
                .isEqualTo(RecordEventResponse.parser().parseFrom(whole));
    }

    @Test
    void aCampaignKeepsTheSameAnswer() throws Exception {
        byte[] before = CreateRecallCampaignResponse.newBuilder().setCampaign(RecallCampaign.newBuilder()
                .setCampaignId(CAMPAIGN.toString())).build().toByteArray();
        CreateRecallCampaignResponse kept = LifecycleMessages.RECALLS.answer()
                .apply(RecallCampaign.newBuilder().setCampaignId(CAMPAIGN.toString()).build());
        assertThat(kept.toByteArray()).isEqualTo(before);
        assertThat(LifecycleMessages.RECALLS.campaign().apply(LifecycleMessages.RECALLS.parser().parseFrom(before))
                .getCampaignId()).isEqualTo(CAMPAIGN.toString());
    }
}
