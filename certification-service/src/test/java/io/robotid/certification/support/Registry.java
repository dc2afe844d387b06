package io.robotid.certification.support;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import com.google.protobuf.Timestamp;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.robotid.proto.certification.v1.*;
import io.robotid.proto.filing.v1.*;
import io.robotid.proto.lifecycle.v1.LifecycleServiceGrpc;
import io.robotid.testkit.Filings;
import io.robotid.testkit.GrpcClients;
import io.robotid.testkit.Tokens;

/**
 * grpc-java clients over the network to certification-service under test and the real filing,
 * identity and lifecycle processes, and fixtures: makers with accepted models and issued robots,
 * accredited bodies, valid test results to break one rule at a time.
 */
public final class Registry implements AutoCloseable {
    public static final int CERTIFICATION_PORT = 18104;

    private final ManagedChannel certification = GrpcClients.local(CERTIFICATION_PORT);
    private final ManagedChannel filing = GrpcClients.local(RegistryProcesses.FILING_PORT);
    private final ManagedChannel identity = GrpcClients.local(RegistryProcesses.IDENTITY_PORT);
    private final ManagedChannel lifecycle = GrpcClients.local(RegistryProcesses.LIFECYCLE_PORT);
    private final Filings filings = new Filings(filing, identity);

    public static Metadata bearer(String token) {
        return GrpcClients.bearer(token);
    }

    /** certification-service's channel (for its other gRPC services, e.g. robotid.tlog.v1). */
    public ManagedChannel channel() {
        return certification;
    }

    public CertificationServiceGrpc.CertificationServiceBlockingStub as(String token) {
        return GrpcClients.as(CertificationServiceGrpc.newBlockingStub(certification), token);
    }

    public CertificationServiceGrpc.CertificationServiceBlockingStub anonymous() {
        return as(null);
    }

    public FilingServiceGrpc.FilingServiceBlockingStub filing(String token) {
        return GrpcClients.as(FilingServiceGrpc.newBlockingStub(filing), token);
    }

    public LifecycleServiceGrpc.LifecycleServiceBlockingStub lifecycle(String token) {
        return GrpcClients.as(LifecycleServiceGrpc.newBlockingStub(lifecycle), token);
    }

    // ------------------------------------------------------------------------------------------ tokens

    public static String body(String bodyId) {
        return Tokens.certificationBody(bodyId);
    }

    public static String requestId() {
        return Filings.requestId();
    }

    // ------------------------------------------------------------------------------------------ makers and robots

    /** Files a manufacturer, a site and an accepted model of that capability profile, and issues {@code robots} IDs. */
    public Filings.Maker maker(int robots, CapabilityProfile capabilities) {
        return filings.maker(new Filings.Company("Certified Robotics Ltd.", "CERT-"),
                Filings.specification("C1", "C", capabilities, "1.0")
                        .setSoftwareBaseline(SoftwareBaseline.newBuilder().setFirmwareVersion("1.0").setAiModelVersion("vla-1"))
                        .build(), robots);
    }

    /** A maker of an L1 model (autonomous locomotion only). */
    public Filings.Maker maker(int robots) {
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
        GrpcClients.close(certification, filing, identity, lifecycle);
    }
}
