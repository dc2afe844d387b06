package io.robotid.certification.support;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.google.protobuf.Timestamp;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.robotid.proto.certification.v1.*;
import io.robotid.proto.common.v1.Contact;
import io.robotid.proto.common.v1.ContactPurpose;
import io.robotid.proto.filing.v1.*;
import io.robotid.proto.identity.v1.IdentityServiceGrpc;
import io.robotid.proto.identity.v1.IssueIdentitiesRequest;
import io.robotid.proto.lifecycle.v1.LifecycleServiceGrpc;
import io.robotid.testkit.Tokens;

/**
 * grpc-java clients over the network to certification-service under test and the real filing,
 * identity and lifecycle processes, and fixtures: makers with accepted models and issued robots,
 * accredited bodies, valid test results to break one rule at a time.
 */
public final class Registry implements AutoCloseable {
    public static final int CERTIFICATION_PORT = 18104;
    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization",
            Metadata.ASCII_STRING_MARSHALLER);

    private final ManagedChannel certification = channel(CERTIFICATION_PORT);
    private final ManagedChannel filing = channel(RegistryProcesses.FILING_PORT);
    private final ManagedChannel identity = channel(RegistryProcesses.IDENTITY_PORT);
    private final ManagedChannel lifecycle = channel(RegistryProcesses.LIFECYCLE_PORT);

    private static ManagedChannel channel(int port) {
        return ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    }

    public static Metadata bearer(String token) {
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer " + token);
        return headers;
    }

    /** certification-service's channel (for its other gRPC services, e.g. robotid.tlog.v1). */
    public ManagedChannel channel() {
        return certification;
    }

    public CertificationServiceGrpc.CertificationServiceBlockingStub as(String token) {
        return anonymous().withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(token)));
    }

    public CertificationServiceGrpc.CertificationServiceBlockingStub anonymous() {
        return CertificationServiceGrpc.newBlockingStub(certification).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    public FilingServiceGrpc.FilingServiceBlockingStub filing(String token) {
        return FilingServiceGrpc.newBlockingStub(filing).withDeadlineAfter(30, TimeUnit.SECONDS)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(token)));
    }

    public LifecycleServiceGrpc.LifecycleServiceBlockingStub lifecycle(String token) {
        return LifecycleServiceGrpc.newBlockingStub(lifecycle).withDeadlineAfter(30, TimeUnit.SECONDS)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(token)));
    }

    // ------------------------------------------------------------------------------------------ tokens

    public static String body(String bodyId) {
        return Tokens.token("body-" + bodyId, "CERTIFICATION_BODY", "certification_body_id", bodyId);
    }

    public static String requestId() {
        return UUID.randomUUID().toString();
    }

    // ------------------------------------------------------------------------------------------ makers and robots

    /** A manufacturer with one site and one accepted model, and robots issued for it. */
    public record Maker(String code, String siteCode, String modelCode, List<String> robots) {
        public String token() {
            return Tokens.manufacturer(code);
        }
    }

    /** Files a manufacturer, a site and an accepted model of that capability profile, and issues {@code robots} IDs. */
    public Maker maker(int robots, CapabilityProfile capabilities) {
        String code = filing(Tokens.regulator()).registerManufacturer(RegisterManufacturerRequest.newBuilder()
                .setRequestId(requestId()).setLegalName("Certified Robotics Ltd.").setCountry("CN")
                .setRegistrationNumber("CERT-" + UUID.randomUUID().toString().substring(0, 12))
                .addContacts(Contact.newBuilder().setPurpose(ContactPurpose.CONTACT_PURPOSE_PUBLIC).setName("Desk")
                        .setEmail("desk@example.cn"))
                .build()).getManufacturer().getCode();
        String token = Tokens.manufacturer(code);
        String site = filing(token).registerProductionSite(RegisterProductionSiteRequest.newBuilder()
                .setRequestId(requestId()).setManufacturerCode(code).setName("Plant").setAddress("1 Road")
                .setCountry("CN").build()).getSite().getSiteCode();
        String filingId = filing(token).submitModelFiling(SubmitModelFilingRequest.newBuilder()
                .setRequestId(requestId()).setManufacturerCode(code)
                .setSpecification(ModelSpecification.newBuilder().setName("C1").setFamily("C")
                        .setHardware(HardwareParameters.newBuilder().setHeightM(1.6).setMassKg(60).setDegreesOfFreedom(30)
                                .setTopSpeedMPerS(2).setPayloadKg(10).setBatteryCapacityWh(800)
                                .setBatteryChemistry(BatteryChemistry.BATTERY_CHEMISTRY_LITHIUM_ION).addSensors("camera")
                                .setCompute("soc"))
                        .setCapabilities(capabilities)
                        .setSoftwareBaseline(SoftwareBaseline.newBuilder().setFirmwareVersion("1.0").setAiModelVersion("vla-1"))
                        .setDataCollection(DataCollectionDeclaration.newBuilder().setNotice("none"))
                        .addIntendedScenarios("tests"))
                .build()).getFiling().getFilingId();
        String model = filing(Tokens.regulator()).reviewModelFiling(ReviewModelFilingRequest.newBuilder()
                .setRequestId(requestId()).setFilingId(filingId).setRevision(1)
                .setDecision(ReviewDecision.REVIEW_DECISION_ACCEPT).build()).getFiling().getModelCode();
        List<String> ids = new ArrayList<>();
        if (robots > 0) {
            IdentityServiceGrpc.newBlockingStub(identity).withDeadlineAfter(60, TimeUnit.SECONDS)
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(token)))
                    .issueIdentities(IssueIdentitiesRequest.newBuilder().setRequestId(requestId()).setModelCode(model)
                            .setSiteCode(site).setProductionYear(26).setCount(robots).build())
                    .forEachRemaining(chunk -> chunk.getIdentitiesList().forEach(i -> ids.add(i.getRobotId())));
        }
        return new Maker(code, site, model, ids);
    }

    /** A maker of an L1 model (autonomous locomotion only). */
    public Maker maker(int robots) {
        return maker(robots, CapabilityProfile.newBuilder().setAutonomousLocomotion(true).build());
    }

    // ------------------------------------------------------------------------------------------ bodies and results

    public static final String ISO_13482 = "ISO 13482:2014";
    public static final String ISO_10218 = "ISO 10218-1:2025";

    /** Accredits a body with a fresh id for these tiers and ISO 13482 / ISO 10218-1; returns its id. */
    public String accredit(Tier... tiers) {
        String bodyId = "CB-" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
        as(Tokens.regulator()).accreditBody(AccreditBodyRequest.newBuilder().setRequestId(requestId()).setBodyId(bodyId)
                .setName("Test House " + bodyId).setCountry("DE").addAllTiers(List.of(tiers))
                .addStandards(ISO_13482).addStandards(ISO_10218).build());
        return bodyId;
    }

    public static Timestamp ts(Instant at) {
        return Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()).build();
    }

    public static Instant instant(Timestamp t) {
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
    }

    /** A valid PASS for the subject: tested an hour ago, valid for a year, no conditions. */
    public static SubmitTestResultRequest.Builder pass(String subject, Tier tier) {
        Instant tested = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        return SubmitTestResultRequest.newBuilder().setRequestId(requestId()).setSubject(subject).setTier(tier)
                .addStandards(ISO_13482).setTestDate(ts(tested)).setOutcome(Outcome.OUTCOME_PASS)
                .setEvidence(Evidence.newBuilder().setReportUri("https://reports.example/r/" + UUID.randomUUID() + ".pdf")
                        .setReportSha256("ab".repeat(32)))
                .setValidity(Validity.newBuilder().setValidUntil(ts(tested.plus(365, ChronoUnit.DAYS))));
    }

    public static OperatingConditions.Builder conditions(double speed, double payload, Environment environment,
            boolean people, String... tasks) {
        return OperatingConditions.newBuilder().setMaxSpeedMPerS(speed).setMaxPayloadKg(payload).setEnvironment(environment)
                .setPeopleNearbyAllowed(people).addAllAllowedTaskCategories(List.of(tasks));
    }

    @Override
    public void close() throws InterruptedException {
        for (ManagedChannel c : List.of(certification, filing, identity, lifecycle)) {
            c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
