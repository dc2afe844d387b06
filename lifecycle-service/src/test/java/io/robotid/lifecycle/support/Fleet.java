package io.robotid.lifecycle.support;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.google.protobuf.Timestamp;

import io.grpc.ManagedChannel;
import io.robotid.proto.common.v1.Contact;
import io.robotid.proto.filing.v1.*;
import io.robotid.proto.lifecycle.v1.*;
import io.robotid.testkit.Filings;
import io.robotid.testkit.GrpcClients;

/** Clients of the three services, and robots issued through the real filing and identity services. */
public final class Fleet implements AutoCloseable {
    public static final int LIFECYCLE_PORT = 18103;

    private final ManagedChannel lifecycle = GrpcClients.local(LIFECYCLE_PORT);
    private final ManagedChannel filing = GrpcClients.local(RegistryProcesses.FILING_PORT);
    private final ManagedChannel identity = GrpcClients.local(RegistryProcesses.IDENTITY_PORT);

    public String manufacturerCode;
    public List<String> robots = new ArrayList<>();

    public LifecycleServiceGrpc.LifecycleServiceBlockingStub as(String token) {
        return GrpcClients.as(LifecycleServiceGrpc.newBlockingStub(lifecycle), token);
    }

    /** The transparency log's gRPC face on lifecycle-service (robotid.tlog.v1). */
    public io.robotid.proto.tlog.v1.TransparencyLogServiceGrpc.TransparencyLogServiceBlockingStub log(String token) {
        return GrpcClients.as(io.robotid.proto.tlog.v1.TransparencyLogServiceGrpc.newBlockingStub(lifecycle), token);
    }

    public LifecycleServiceGrpc.LifecycleServiceStub async(String token) {
        return GrpcClients.withToken(LifecycleServiceGrpc.newStub(lifecycle), token);
    }

    public LifecycleServiceGrpc.LifecycleServiceBlockingStub anonymous() {
        return as(null);
    }

    /** Files a manufacturer, site and accepted model, and issues {@code count} robot IDs. */
    public Fleet issue(int count) {
        Filings.Maker maker = new Filings(filing, identity).maker(new Filings.Company("Lifecycle Robotics", "LC-"),
                Filings.specification("L1", "L", CapabilityProfile.newBuilder().setAutonomousLocomotion(true).build(), "1.0")
                        .build(), count);
        manufacturerCode = maker.code();
        robots.addAll(maker.robots());
        return this;
    }

    public static RecordEventRequest.Builder event(String robotId, EventPayload payload) {
        long now = System.currentTimeMillis() / 1000;
        return RecordEventRequest.newBuilder().setRequestId(UUID.randomUUID().toString()).setRobotId(robotId)
                .setOccurredAt(Timestamp.newBuilder().setSeconds(now - 1)).setPayload(payload);
    }

    public static EventPayload produced() {
        return EventPayload.newBuilder().setProduced(Produced.newBuilder().setBuildDate("2026-11-20")
                .addComponents(Component.newBuilder().setPartNumber("MTR-100").setLot("L7").setSerial("S1")
                        .setSafetyRelevant(true))
                .addComponents(Component.newBuilder().setPartNumber("BAT-9").setLot("B2").setSerial("S2"))
                .setFirmwareVersion("3.1.0").setAiModelVersion("vla-1").setFactoryTestPassed(true)).build();
    }

    public static EventPayload sold(String buyer) {
        return EventPayload.newBuilder().setSold(Sold.newBuilder().setBuyerOrgId(buyer)).build();
    }

    public static EventPayload deployed(String operator) {
        return EventPayload.newBuilder().setDeployed(Deployed.newBuilder().setSite("Mall 3").setScenario("retail")
                .setOperatorOrgId(operator)
                .setPublicContact(Contact.newBuilder().setName("desk").setEmail("desk@op.example"))
                .setEmergencyContact(Contact.newBuilder().setName("safety").setPhone("+861055555555"))).build();
    }

    public static EventPayload telemetry(double battery) {
        return EventPayload.newBuilder().setTelemetrySummary(TelemetrySummary.newBuilder().setBatteryHealthPct(battery)
                .setJointWearPct(10).setCycleCount(100).setOperationalAccuracyPct(99)).build();
    }

    public static EventPayload suspended() {
        return EventPayload.newBuilder().setSuspended(Suspended.newBuilder().setReason("incident review")).build();
    }

    public static EventPayload reinstated() {
        return EventPayload.newBuilder().setReinstated(Reinstated.newBuilder().setReason("cleared")).build();
    }

    public static EventPayload decommissioned() {
        return EventPayload.newBuilder().setDecommissioned(Decommissioned.newBuilder().setReason("end of life")
                .setDataWipe(DataWipeAttestation.newBuilder().setMethod("NIST 800-88 purge").setPerformedBy("Recycler Co")
                        .setPerformedAt(Timestamp.newBuilder().setSeconds(System.currentTimeMillis() / 1000 - 10))
                        .setCertificateSha256("a".repeat(64)))).build();
    }

    @Override
    public void close() throws InterruptedException {
        GrpcClients.close(lifecycle, filing, identity);
    }
}
