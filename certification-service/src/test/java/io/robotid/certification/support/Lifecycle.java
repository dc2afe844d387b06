package io.robotid.certification.support;

import io.robotid.testkit.Eventually;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Supplier;

import com.google.protobuf.Timestamp;

import io.robotid.proto.lifecycle.v1.*;

/** Lifecycle events as the real lifecycle-service records them, and waiting for the follower. */
public final class Lifecycle {
    private Lifecycle() {
    }

    public static RecordEventRequest event(String robotId, EventPayload payload) {
        long now = System.currentTimeMillis() / 1000;
        return RecordEventRequest.newBuilder().setRequestId(UUID.randomUUID().toString()).setRobotId(robotId)
                .setOccurredAt(Timestamp.newBuilder().setSeconds(now - 1)).setPayload(payload).build();
    }

    public static Component part(String partNumber, ComponentCategory category, boolean safetyRelevant) {
        return Component.newBuilder().setPartNumber(partNumber).setLot("L1").setSerial(partNumber + "-S")
                .setCategory(category).setSafetyRelevant(safetyRelevant).build();
    }

    /** Produced with a safety-relevant actuator (MTR-100), a battery and a cover (not safety-relevant). */
    public static EventPayload produced() {
        return EventPayload.newBuilder().setProduced(Produced.newBuilder().setBuildDate("2026-11-20")
                .addComponents(part("MTR-100", ComponentCategory.COMPONENT_CATEGORY_ACTUATOR, true))
                .addComponents(part("BAT-9", ComponentCategory.COMPONENT_CATEGORY_BATTERY, true))
                .addComponents(part("CVR-1", ComponentCategory.COMPONENT_CATEGORY_STRUCTURE, false))
                .setFirmwareVersion("3.1.0").setAiModelVersion("vla-1").setFactoryTestPassed(true)).build();
    }

    public static EventPayload replaced(Component old, Component replacement) {
        return EventPayload.newBuilder().setComponentReplaced(ComponentReplaced.newBuilder().setOldPart(old)
                .setNewPart(replacement).setReason("wear")).build();
    }

    public static EventPayload softwareUpdated(String firmware, String aiModel) {
        return EventPayload.newBuilder().setSoftwareUpdated(SoftwareUpdated.newBuilder().setFirmwareVersion(firmware)
                .setAiModelVersion(aiModel).setPackageSha256("c".repeat(64))).build();
    }

    /** Waits until {@code condition} holds (test-kit's {@link Eventually}). */
    public static void await(String what, Supplier<Boolean> condition) {
        Eventually.await(what, condition);
    }
}
