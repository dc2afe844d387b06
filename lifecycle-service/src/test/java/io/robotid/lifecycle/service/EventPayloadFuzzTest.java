package io.robotid.lifecycle.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;

import io.robotid.kit.validation.Violations;
import io.robotid.lifecycle.domain.EventChain;
import io.robotid.proto.lifecycle.v1.EventPayload;
import io.robotid.proto.lifecycle.v1.EventType;
import io.robotid.proto.lifecycle.v1.LifecycleEvent;

/**
 * Fuzzes event payload validation with arbitrary encoded payloads and times: every payload is
 * refused with named fields or accepted, never an exception; an accepted one seals into a chain
 * link whose hash survives storage (encode, decode, hash again). A plain test run replays
 * {@code EventPayloadFuzzTestInputs/}; see docs/testing.md, "Fuzzing".
 */
class EventPayloadFuzzTest {
    private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");

    @FuzzTest(maxDuration = "5m")
    void anyPayloadIsRefusedWithNamedFieldsOrSealed(FuzzedDataProvider data) throws Exception {
        Instant occurredAt = data.consumeBoolean() ? null : NOW.plusSeconds(data.consumeLong(-30L * 365 * 86_400, 86_400));
        EventPayload payload;
        try {
            payload = EventPayload.parseFrom(data.consumeRemainingAsBytes());
        } catch (InvalidProtocolBufferException notProtobuf) {
            return; // gRPC refuses these bytes before any code of ours runs
        }
        Violations v = new Violations();
        EventValidator.validate(payload, occurredAt, NOW, v);
        assertThat(v.list()).allSatisfy(f -> {
            assertThat(f.field()).matches("(payload|occurred_at).*");
            assertThat(f.description()).isNotBlank();
        });
        if (!v.isEmpty()) {
            return;
        }
        EventType type = EventValidator.typeOf(payload);
        assertThat(type).isNotEqualTo(EventType.EVENT_TYPE_UNSPECIFIED);
        LifecycleEvent sealed = EventChain.seal(LifecycleEvent.newBuilder().setRobotId("DE00010000012601000000000001G")
                .setSequence(1).setType(type)
                .setOccurredAt(Timestamp.newBuilder().setSeconds(occurredAt.getEpochSecond()))
                .setPayload(payload).setStatusAfter(io.robotid.proto.lifecycle.v1.RobotStatus.ROBOT_STATUS_IN_STOCK)
                .setRecorded(io.robotid.proto.common.v1.AuditStamp.newBuilder().setSubject("s").setRole("MANUFACTURER")
                        .setRequestId("6b945388-4575-45d1-b21c-3515d4068d96")
                        .setTime(Timestamp.newBuilder().setSeconds(occurredAt.getEpochSecond())))
                .build(), EventChain.GENESIS);
        LifecycleEvent stored = EventChain.read(EventChain.stored(sealed));
        assertThat(stored.getHash()).as("the hash verifies after storage").isEqualTo(sealed.getHash());
        assertThat(stored.getPayload()).as("the payload reads back from its committed bytes").isEqualTo(sealed.getPayload());
    }
}
