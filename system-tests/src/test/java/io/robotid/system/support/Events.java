package io.robotid.system.support;

import java.util.UUID;

import com.google.protobuf.Timestamp;

import io.robotid.proto.lifecycle.v1.Component;
import io.robotid.proto.lifecycle.v1.ComponentCategory;
import io.robotid.proto.lifecycle.v1.EventPayload;
import io.robotid.proto.lifecycle.v1.MaintenancePerformed;
import io.robotid.proto.lifecycle.v1.Produced;
import io.robotid.proto.lifecycle.v1.RecordEventRequest;

/** Lifecycle events the fault tests record, each with a fresh request id. */
public final class Events {
    private Events() {
    }

    /** The robot's first event: built, with one actuator, at {@code epochMillis}. */
    public static RecordEventRequest produced(String robot, long epochMillis) {
        return RecordEventRequest.newBuilder().setRequestId(UUID.randomUUID().toString()).setRobotId(robot)
                .setOccurredAt(at(epochMillis))
                .setPayload(EventPayload.newBuilder().setProduced(Produced.newBuilder().setBuildDate("2026-11-20")
                        .setFirmwareVersion("3.1.0").setFactoryTestPassed(true)
                        .addComponents(Component.newBuilder().setPartNumber("DRV-7").setLot("L1").setSerial("S-" + robot)
                                .setCategory(ComponentCategory.COMPONENT_CATEGORY_ACTUATOR)))).build();
    }

    /** An inspection at {@code epochMillis}. */
    public static RecordEventRequest inspection(String robot, long epochMillis, String description) {
        return RecordEventRequest.newBuilder().setRequestId(UUID.randomUUID().toString()).setRobotId(robot)
                .setOccurredAt(at(epochMillis))
                .setPayload(EventPayload.newBuilder().setMaintenancePerformed(MaintenancePerformed.newBuilder()
                        .setDescription(description).setInspection(true))).build();
    }

    private static Timestamp at(long epochMillis) {
        return Timestamp.newBuilder().setSeconds(Math.floorDiv(epochMillis, 1000))
                .setNanos((int) Math.floorMod(epochMillis, 1000) * 1_000_000).build();
    }
}
