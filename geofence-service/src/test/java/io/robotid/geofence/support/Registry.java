package io.robotid.geofence.support;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import com.google.protobuf.Timestamp;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.robotid.proto.certification.v1.*;
import io.robotid.proto.common.v1.Contact;
import io.robotid.proto.common.v1.ContactPurpose;
import io.robotid.proto.filing.v1.*;
import io.robotid.proto.geofence.v1.GeofenceServiceGrpc;
import io.robotid.proto.geofence.v1.ListSigningKeysRequest;
import io.robotid.proto.identity.v1.IdentityServiceGrpc;
import io.robotid.proto.identity.v1.IssueIdentitiesRequest;
import io.robotid.proto.lifecycle.v1.*;
import io.robotid.testkit.Tokens;

/**
 * grpc-java clients over the network to geofence-service under test and the real filing, identity,
 * lifecycle and certification processes, and fixtures: a maker with an accepted model and issued
 * robots, robots brought into service by an operator, certificates posted by an accredited body.
 */
public final class Registry implements AutoCloseable {
    public static final int GEOFENCE_PORT = 18105;
    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final ManagedChannel geofence = channel(GEOFENCE_PORT);
    private final ManagedChannel filing = channel(RegistryProcesses.FILING_PORT);
    private final ManagedChannel identity = channel(RegistryProcesses.IDENTITY_PORT);
    private final ManagedChannel lifecycle = channel(RegistryProcesses.LIFECYCLE_PORT);
    private final ManagedChannel certification = channel(RegistryProcesses.CERTIFICATION_PORT);

    private static ManagedChannel channel(int port) {
        return ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    }

    static Metadata bearer(String token) {
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer " + token);
        return headers;
    }

    public GeofenceServiceGrpc.GeofenceServiceBlockingStub as(String token) {
        return anonymous().withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(token)));
    }

    /** geofence-service's transparency log (robotid.tlog.v1); with a token when given one. */
    public io.robotid.proto.tlog.v1.TransparencyLogServiceGrpc.TransparencyLogServiceBlockingStub log(String token) {
        var stub = io.robotid.proto.tlog.v1.TransparencyLogServiceGrpc.newBlockingStub(geofence).withDeadlineAfter(30, TimeUnit.SECONDS);
        return token == null ? stub : stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(token)));
    }

    public GeofenceServiceGrpc.GeofenceServiceBlockingStub anonymous() {
        return GeofenceServiceGrpc.newBlockingStub(geofence).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    public GeofenceServiceGrpc.GeofenceServiceStub async(String token) {
        return GeofenceServiceGrpc.newStub(geofence).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(token)));
    }

    public FilingServiceGrpc.FilingServiceBlockingStub filing(String token) {
        return FilingServiceGrpc.newBlockingStub(filing).withDeadlineAfter(30, TimeUnit.SECONDS)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(token)));
    }

    public LifecycleServiceGrpc.LifecycleServiceBlockingStub lifecycle(String token) {
        return LifecycleServiceGrpc.newBlockingStub(lifecycle).withDeadlineAfter(30, TimeUnit.SECONDS)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(token)));
    }

    public CertificationServiceGrpc.CertificationServiceBlockingStub certification(String token) {
        return CertificationServiceGrpc.newBlockingStub(certification).withDeadlineAfter(30, TimeUnit.SECONDS)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(token)));
    }

    /** The published receipt and bundle keys, raw public keys by key id (as a robot would keep them). */
    public Map<String, byte[]> signingKeys() {
        Map<String, byte[]> keys = new HashMap<>();
        anonymous().listSigningKeys(ListSigningKeysRequest.getDefaultInstance()).getKeysList()
                .forEach(k -> keys.put(k.getKeyId(), k.getPublicKey().toByteArray()));
        return keys;
    }

    // ------------------------------------------------------------------------------------------ tokens

    public static String requestId() {
        return UUID.randomUUID().toString();
    }

    public static String authority(String org) {
        return Tokens.token("authority-" + org, "ZONE_AUTHORITY", "org_id", org);
    }

    public static String operator(String org) {
        return Tokens.token("operator-" + org, "OPERATOR", "org_id", org);
    }

    public static String robot(String robotId) {
        return Tokens.token("robot-" + robotId, "ROBOT", "robot_id", robotId);
    }

    // ------------------------------------------------------------------------------------------ fixtures

    /** A manufacturer with one accepted model of the capability profile, and issued robot IDs. */
    public record Maker(String code, String modelCode, List<String> robots) {
        public String token() {
            return Tokens.manufacturer(code);
        }
    }

    public Maker maker(int robots, CapabilityProfile capabilities) {
        String code = filing(Tokens.regulator()).registerManufacturer(RegisterManufacturerRequest.newBuilder()
                .setRequestId(requestId()).setLegalName("Fence Robotics Ltd.").setCountry("CN")
                .setRegistrationNumber("GEO-" + UUID.randomUUID().toString().substring(0, 12))
                .addContacts(Contact.newBuilder().setPurpose(ContactPurpose.CONTACT_PURPOSE_PUBLIC).setName("Desk")
                        .setEmail("desk@example.cn"))
                .build()).getManufacturer().getCode();
        String token = Tokens.manufacturer(code);
        String site = filing(token).registerProductionSite(RegisterProductionSiteRequest.newBuilder().setRequestId(requestId())
                .setManufacturerCode(code).setName("Plant").setAddress("1 Road").setCountry("CN").build()).getSite().getSiteCode();
        String filingId = filing(token).submitModelFiling(SubmitModelFilingRequest.newBuilder().setRequestId(requestId())
                .setManufacturerCode(code)
                .setSpecification(ModelSpecification.newBuilder().setName("G1").setFamily("G")
                        .setHardware(HardwareParameters.newBuilder().setHeightM(1.6).setMassKg(60).setDegreesOfFreedom(30)
                                .setTopSpeedMPerS(2).setPayloadKg(10).setBatteryCapacityWh(800)
                                .setBatteryChemistry(BatteryChemistry.BATTERY_CHEMISTRY_LITHIUM_ION).addSensors("camera")
                                .setCompute("soc"))
                        .setCapabilities(capabilities)
                        .setSoftwareBaseline(SoftwareBaseline.newBuilder().setFirmwareVersion("3.1.0").setAiModelVersion("vla-1"))
                        .setDataCollection(DataCollectionDeclaration.newBuilder().setNotice("none"))
                        .addIntendedScenarios("tests"))
                .build()).getFiling().getFilingId();
        String model = filing(Tokens.regulator()).reviewModelFiling(ReviewModelFilingRequest.newBuilder().setRequestId(requestId())
                .setFilingId(filingId).setRevision(1).setDecision(ReviewDecision.REVIEW_DECISION_ACCEPT).build())
                .getFiling().getModelCode();
        List<String> ids = new ArrayList<>();
        IdentityServiceGrpc.newBlockingStub(identity).withDeadlineAfter(60, TimeUnit.SECONDS)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(token)))
                .issueIdentities(IssueIdentitiesRequest.newBuilder().setRequestId(requestId()).setModelCode(model)
                        .setSiteCode(site).setProductionYear(26).setCount(robots).build())
                .forEachRemaining(chunk -> chunk.getIdentitiesList().forEach(i -> ids.add(i.getRobotId())));
        return new Maker(code, model, ids);
    }

    /** An L2 model: autonomous locomotion and task decisions, no contact with people, no learning. */
    public Maker maker(int robots) {
        return maker(robots, CapabilityProfile.newBuilder().setAutonomousLocomotion(true).setAutonomousTaskDecisions(true).build());
    }

    public RecordEventResponse record(String token, String robotId, EventPayload payload) {
        long now = System.currentTimeMillis() / 1000;
        return lifecycle(token).recordEvent(RecordEventRequest.newBuilder().setRequestId(requestId()).setRobotId(robotId)
                .setOccurredAt(Timestamp.newBuilder().setSeconds(now - 1)).setPayload(payload).build());
    }

    /** Produced (firmware 3.1.0, a safety-relevant actuator), sold to and deployed by the operator: IN_SERVICE. */
    public void inService(Maker maker, String robotId, String operatorOrg) {
        produced(maker, robotId);
        record(maker.token(), robotId, EventPayload.newBuilder().setSold(Sold.newBuilder().setBuyerOrgId(operatorOrg)).build());
        record(operator(operatorOrg), robotId, EventPayload.newBuilder().setDeployed(Deployed.newBuilder().setSite("Harbour")
                .setScenario("logistics").setOperatorOrgId(operatorOrg)
                .setPublicContact(Contact.newBuilder().setPurpose(ContactPurpose.CONTACT_PURPOSE_PUBLIC).setName("Desk")
                        .setEmail("desk@" + operatorOrg + ".example"))
                .setEmergencyContact(Contact.newBuilder().setPurpose(ContactPurpose.CONTACT_PURPOSE_EMERGENCY).setName("Control")
                        .setPhone("+491701234567"))).build());
    }

    /** Produced (firmware 3.1.0, a safety-relevant actuator): IN_STOCK. */
    public void produced(Maker maker, String robotId) {
        record(maker.token(), robotId, EventPayload.newBuilder().setProduced(Produced.newBuilder().setBuildDate("2026-11-20")
                .addComponents(io.robotid.proto.lifecycle.v1.Component.newBuilder().setPartNumber("MTR-100").setLot("L1")
                        .setSerial("S-" + UUID.randomUUID()).setCategory(ComponentCategory.COMPONENT_CATEGORY_ACTUATOR)
                        .setSafetyRelevant(true))
                .setFirmwareVersion("3.1.0").setAiModelVersion("vla-1").setFactoryTestPassed(true)).build());
    }

    /** Accredits a body for every tier; returns its id. */
    public String accredit() {
        String bodyId = "GB-" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
        AccreditBodyRequest.Builder b = AccreditBodyRequest.newBuilder().setRequestId(requestId()).setBodyId(bodyId)
                .setName("Test House " + bodyId).setCountry("DE").addStandards("ISO 13482:2014");
        for (io.robotid.proto.certification.v1.Tier t : io.robotid.proto.certification.v1.Tier.values()) {
            if (t != io.robotid.proto.certification.v1.Tier.TIER_UNSPECIFIED && t != io.robotid.proto.certification.v1.Tier.UNRECOGNIZED) {
                b.addTiers(t);
            }
        }
        certification(Tokens.regulator()).accreditBody(b.build());
        return bodyId;
    }

    /** A PASS for the subject (model code or robot ID): tested an hour ago, valid for a year. */
    public Certificate pass(String bodyId, String subject, io.robotid.proto.certification.v1.Tier tier,
            io.robotid.proto.certification.v1.OperatingConditions conditions) {
        Instant tested = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        SubmitTestResultRequest.Builder r = SubmitTestResultRequest.newBuilder().setRequestId(requestId()).setSubject(subject)
                .setTier(tier).addStandards("ISO 13482:2014").setTestDate(ts(tested))
                .setOutcome(conditions == null ? Outcome.OUTCOME_PASS : Outcome.OUTCOME_PASS_WITH_CONDITIONS)
                .setEvidence(Evidence.newBuilder().setReportUri("https://reports.example/r/" + UUID.randomUUID() + ".pdf")
                        .setReportSha256("ab".repeat(32)))
                .setValidity(Validity.newBuilder().setValidUntil(ts(tested.plus(365, ChronoUnit.DAYS))));
        if (conditions != null) {
            r.setConditions(conditions);
        }
        return certification(Tokens.token("body-" + bodyId, "CERTIFICATION_BODY", "certification_body_id", bodyId))
                .submitTestResult(r.build()).getCertificate();
    }

    public static Timestamp ts(Instant at) {
        return Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()).build();
    }

    /** Waits (up to 30 s) until {@code condition} holds; fails naming what was awaited. */
    public static void await(String what, Supplier<Boolean> condition) {
        Instant until = Instant.now().plus(Duration.ofSeconds(30));
        while (Instant.now().isBefore(until)) {
            if (Boolean.TRUE.equals(condition.get())) {
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("timed out waiting until " + what);
    }

    @Override
    public void close() throws InterruptedException {
        for (ManagedChannel c : List.of(geofence, filing, identity, lifecycle, certification)) {
            c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
