package io.robotid.lifecycle.support;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.google.protobuf.Timestamp;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.robotid.proto.common.v1.Contact;
import io.robotid.proto.common.v1.ContactPurpose;
import io.robotid.proto.filing.v1.*;
import io.robotid.proto.identity.v1.IdentityServiceGrpc;
import io.robotid.proto.identity.v1.IssueIdentitiesRequest;
import io.robotid.proto.lifecycle.v1.*;
import io.robotid.testkit.Tokens;

/** Clients of the three services, and robots issued through the real filing and identity services. */
public final class Fleet implements AutoCloseable {
    public static final int LIFECYCLE_PORT = 18103;
    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization",
            Metadata.ASCII_STRING_MARSHALLER);

    private final ManagedChannel lifecycle = channel(LIFECYCLE_PORT);
    private final ManagedChannel filing = channel(RegistryProcesses.FILING_PORT);
    private final ManagedChannel identity = channel(RegistryProcesses.IDENTITY_PORT);

    public String manufacturerCode;
    public List<String> robots = new ArrayList<>();

    private static ManagedChannel channel(int port) {
        return ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    }

    private static Metadata bearer(String token) {
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer " + token);
        return headers;
    }

    public LifecycleServiceGrpc.LifecycleServiceBlockingStub as(String token) {
        return LifecycleServiceGrpc.newBlockingStub(lifecycle).withDeadlineAfter(30, TimeUnit.SECONDS)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(token)));
    }

    /** The transparency log's gRPC face on lifecycle-service (robotid.tlog.v1). */
    public io.robotid.proto.tlog.v1.TransparencyLogServiceGrpc.TransparencyLogServiceBlockingStub log(String token) {
        var stub = io.robotid.proto.tlog.v1.TransparencyLogServiceGrpc.newBlockingStub(lifecycle)
                .withDeadlineAfter(30, TimeUnit.SECONDS);
        return token == null ? stub : stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(token)));
    }

    public LifecycleServiceGrpc.LifecycleServiceStub async(String token) {
        return LifecycleServiceGrpc.newStub(lifecycle)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(token)));
    }

    public LifecycleServiceGrpc.LifecycleServiceBlockingStub anonymous() {
        return LifecycleServiceGrpc.newBlockingStub(lifecycle).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    /** Files a manufacturer, site and accepted model, and issues {@code count} robot IDs. */
    public Fleet issue(int count) {
        var regulator = FilingServiceGrpc.newBlockingStub(filing)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(Tokens.regulator())));
        manufacturerCode = regulator.registerManufacturer(RegisterManufacturerRequest.newBuilder()
                .setRequestId(UUID.randomUUID().toString()).setLegalName("Lifecycle Robotics").setCountry("CN")
                .setRegistrationNumber("LC-" + UUID.randomUUID().toString().substring(0, 12))
                .addContacts(Contact.newBuilder().setPurpose(ContactPurpose.CONTACT_PURPOSE_PUBLIC).setName("desk")
                        .setEmail("desk@example.cn")).build()).getManufacturer().getCode();
        var maker = FilingServiceGrpc.newBlockingStub(filing)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(Tokens.manufacturer(manufacturerCode))));
        String site = maker.registerProductionSite(RegisterProductionSiteRequest.newBuilder()
                .setRequestId(UUID.randomUUID().toString()).setManufacturerCode(manufacturerCode).setName("Plant")
                .setAddress("1 Road").setCountry("CN").build()).getSite().getSiteCode();
        String filingId = maker.submitModelFiling(SubmitModelFilingRequest.newBuilder()
                .setRequestId(UUID.randomUUID().toString()).setManufacturerCode(manufacturerCode)
                .setSpecification(ModelSpecification.newBuilder().setName("L1").setFamily("L")
                        .setHardware(HardwareParameters.newBuilder().setHeightM(1.6).setMassKg(60).setDegreesOfFreedom(30)
                                .setTopSpeedMPerS(1).setBatteryCapacityWh(800)
                                .setBatteryChemistry(BatteryChemistry.BATTERY_CHEMISTRY_LITHIUM_ION).addSensors("camera")
                                .setCompute("soc"))
                        .setCapabilities(CapabilityProfile.newBuilder().setAutonomousLocomotion(true))
                        .setSoftwareBaseline(SoftwareBaseline.newBuilder().setFirmwareVersion("1.0"))
                        .setDataCollection(DataCollectionDeclaration.newBuilder().setNotice("none"))
                        .addIntendedScenarios("tests"))
                .build()).getFiling().getFilingId();
        String model = regulator.reviewModelFiling(ReviewModelFilingRequest.newBuilder()
                .setRequestId(UUID.randomUUID().toString()).setFilingId(filingId).setRevision(1)
                .setDecision(ReviewDecision.REVIEW_DECISION_ACCEPT).build()).getFiling().getModelCode();
        IdentityServiceGrpc.newBlockingStub(identity)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(Tokens.manufacturer(manufacturerCode))))
                .issueIdentities(IssueIdentitiesRequest.newBuilder().setRequestId(UUID.randomUUID().toString())
                        .setModelCode(model).setSiteCode(site).setProductionYear(26).setCount(count).build())
                .forEachRemaining(chunk -> chunk.getIdentitiesList().forEach(i -> robots.add(i.getRobotId())));
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
        lifecycle.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        filing.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        identity.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
