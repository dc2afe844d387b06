package io.robotid.geofence.support;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

import com.google.protobuf.Timestamp;

import io.grpc.ManagedChannel;
import io.robotid.proto.certification.v1.*;
import io.robotid.proto.common.v1.Contact;
import io.robotid.proto.common.v1.ContactPurpose;
import io.robotid.proto.filing.v1.*;
import io.robotid.proto.geofence.v1.GeofenceServiceGrpc;
import io.robotid.proto.geofence.v1.ListSigningKeysRequest;
import io.robotid.proto.lifecycle.v1.*;
import io.robotid.testkit.Eventually;
import io.robotid.testkit.Filings;
import io.robotid.testkit.GrpcClients;
import io.robotid.testkit.Tokens;

/**
 * grpc-java clients over the network to geofence-service under test and the real filing, identity,
 * lifecycle and certification processes, and fixtures: a maker with an accepted model and issued
 * robots, robots brought into service by an operator, certificates posted by an accredited body.
 */
public final class Registry implements AutoCloseable {
    public static final int GEOFENCE_PORT = 18105;

    private final ManagedChannel geofence = GrpcClients.local(GEOFENCE_PORT);
    private final ManagedChannel filing = GrpcClients.local(RegistryProcesses.FILING_PORT);
    private final ManagedChannel identity = GrpcClients.local(RegistryProcesses.IDENTITY_PORT);
    private final ManagedChannel lifecycle = GrpcClients.local(RegistryProcesses.LIFECYCLE_PORT);
    private final ManagedChannel certification = GrpcClients.local(RegistryProcesses.CERTIFICATION_PORT);
    private final Filings filings = new Filings(filing, identity);

    public GeofenceServiceGrpc.GeofenceServiceBlockingStub as(String token) {
        return GrpcClients.as(GeofenceServiceGrpc.newBlockingStub(geofence), token);
    }

    /** geofence-service's transparency log (robotid.tlog.v1); with a token when given one. */
    public io.robotid.proto.tlog.v1.TransparencyLogServiceGrpc.TransparencyLogServiceBlockingStub log(String token) {
        return GrpcClients.as(io.robotid.proto.tlog.v1.TransparencyLogServiceGrpc.newBlockingStub(geofence), token);
    }

    public GeofenceServiceGrpc.GeofenceServiceBlockingStub anonymous() {
        return as(null);
    }

    public GeofenceServiceGrpc.GeofenceServiceStub async(String token) {
        return GrpcClients.withToken(GeofenceServiceGrpc.newStub(geofence), token);
    }

    public FilingServiceGrpc.FilingServiceBlockingStub filing(String token) {
        return GrpcClients.as(FilingServiceGrpc.newBlockingStub(filing), token);
    }

    public LifecycleServiceGrpc.LifecycleServiceBlockingStub lifecycle(String token) {
        return GrpcClients.as(LifecycleServiceGrpc.newBlockingStub(lifecycle), token);
    }

    public CertificationServiceGrpc.CertificationServiceBlockingStub certification(String token) {
        return GrpcClients.as(CertificationServiceGrpc.newBlockingStub(certification), token);
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
        return Filings.requestId();
    }

    public static String authority(String org) {
        return Tokens.zoneAuthority(org);
    }

    public static String operator(String org) {
        return Tokens.operator(org);
    }

    public static String robot(String robotId) {
        return Tokens.robot(robotId);
    }

    // ------------------------------------------------------------------------------------------ fixtures

    /** A manufacturer with one accepted model of the capability profile, and issued robot IDs. */
    public Filings.Maker maker(int robots, CapabilityProfile capabilities) {
        return filings.maker(new Filings.Company("Fence Robotics Ltd.", "GEO-"),
                Filings.specification("G1", "G", capabilities, "3.1.0")
                        .setSoftwareBaseline(SoftwareBaseline.newBuilder().setFirmwareVersion("3.1.0").setAiModelVersion("vla-1"))
                        .build(), robots);
    }

    /** An L2 model: autonomous locomotion and task decisions, no contact with people, no learning. */
    public Filings.Maker maker(int robots) {
        return maker(robots, CapabilityProfile.newBuilder().setAutonomousLocomotion(true).setAutonomousTaskDecisions(true).build());
    }

    public RecordEventResponse record(String token, String robotId, EventPayload payload) {
        long now = System.currentTimeMillis() / 1000;
        return lifecycle(token).recordEvent(RecordEventRequest.newBuilder().setRequestId(requestId()).setRobotId(robotId)
                .setOccurredAt(Timestamp.newBuilder().setSeconds(now - 1)).setPayload(payload).build());
    }

    /** Produced (firmware 3.1.0, a safety-relevant actuator), sold to and deployed by the operator: IN_SERVICE. */
    public void inService(Filings.Maker maker, String robotId, String operatorOrg) {
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
    public void produced(Filings.Maker maker, String robotId) {
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
        return certification(Tokens.certificationBody(bodyId))
                .submitTestResult(r.build()).getCertificate();
    }

    public static Timestamp ts(Instant at) {
        return Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()).build();
    }

    /** Waits until {@code condition} holds (test-kit's {@link Eventually}). */
    public static void await(String what, Supplier<Boolean> condition) {
        Eventually.await(what, condition);
    }

    @Override
    public void close() throws InterruptedException {
        GrpcClients.close(geofence, filing, identity, lifecycle, certification);
    }
}
