package io.robotid.lifecycle.domain;

import com.google.protobuf.Timestamp;

import io.robotid.proto.lifecycle.v1.EventPayload;

/**
 * An event as it was posted for a robot's chain, before the field rules (LifecycleRecorder checks it): by a
 * recorder (RecordEvent, RecordEvents) or by the registry itself (a recall's notifications). The time and the
 * payload stay the messages sent, since they are sealed into the chain as they are (EVIDENCE.md).
 *
 * @param requestId        as sent (the write context reads it as a UUID)
 * @param robotId          as sent, any accepted form of the ID
 * @param occurredAt       null: no {@code occurred_at} was sent
 * @param payload          as sent, never null (the default instance when none was sent)
 * @param expectedSequence the sequence the event must get; 0 is "append"
 */
public record PostedEvent(String requestId, String robotId, Timestamp occurredAt, EventPayload payload,
        long expectedSequence) {
}
