package io.robotid.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.grpc.ManagedChannel;
import io.robotid.proto.common.v1.Contact;
import io.robotid.proto.common.v1.ContactPurpose;
import io.robotid.proto.filing.v1.BatteryChemistry;
import io.robotid.proto.filing.v1.CapabilityProfile;
import io.robotid.proto.filing.v1.DataCollectionDeclaration;
import io.robotid.proto.filing.v1.FilingServiceGrpc;
import io.robotid.proto.filing.v1.HardwareParameters;
import io.robotid.proto.filing.v1.ModelFiling;
import io.robotid.proto.filing.v1.ModelSpecification;
import io.robotid.proto.filing.v1.RegisterManufacturerRequest;
import io.robotid.proto.filing.v1.RegisterProductionSiteRequest;
import io.robotid.proto.filing.v1.ReviewDecision;
import io.robotid.proto.filing.v1.ReviewModelFilingRequest;
import io.robotid.proto.filing.v1.SoftwareBaseline;
import io.robotid.proto.filing.v1.SubmitModelFilingRequest;
import io.robotid.proto.identity.v1.IdentityServiceGrpc;
import io.robotid.proto.identity.v1.IssueIdentitiesRequest;

/**
 * The fixture every service's tests start from, through the real filing-service and identity-service: a
 * manufacturer with a production site and an accepted model, and robot IDs issued for it. Each call files a
 * new manufacturer (a fresh registration number), so tests never share one.
 */
public final class Filings {
    /** A manufacturer with one site and one accepted model, and the robot IDs issued for it (maybe none). */
    public record Maker(String code, String siteCode, String modelCode, String filingId, List<String> robots) {
        /** The manufacturer's own token. */
        public String token() {
            return Tokens.manufacturer(code);
        }
    }

    /** Who the maker is: its legal name and the prefix of its (otherwise random) registration number. */
    public record Company(String legalName, String registrationPrefix) {
    }

    private final ManagedChannel filing;
    private final ManagedChannel identity;

    /** Over channels to a running filing-service and identity-service (null when no robots are issued). */
    public Filings(ManagedChannel filing, ManagedChannel identity) {
        this.filing = filing;
        this.identity = identity;
    }

    /**
     * A model specification that passes filing's rules: a 1.6 m, 60 kg humanoid with a camera, the given
     * name, family, capabilities and firmware; callers change what their tests are about.
     */
    public static ModelSpecification.Builder specification(String name, String family, CapabilityProfile capabilities,
            String firmware) {
        return ModelSpecification.newBuilder().setName(name).setFamily(family)
                .setHardware(HardwareParameters.newBuilder().setHeightM(1.6).setMassKg(60).setDegreesOfFreedom(30)
                        .setTopSpeedMPerS(2).setPayloadKg(10).setBatteryCapacityWh(800)
                        .setBatteryChemistry(BatteryChemistry.BATTERY_CHEMISTRY_LITHIUM_ION).addSensors("camera")
                        .setCompute("soc"))
                .setCapabilities(capabilities)
                .setSoftwareBaseline(SoftwareBaseline.newBuilder().setFirmwareVersion(firmware))
                .setDataCollection(DataCollectionDeclaration.newBuilder().setNotice("none"))
                .addIntendedScenarios("tests");
    }

    /** Files the company, a site and the model, accepted by the regulator; issues no robot. */
    public Maker acceptedModel(Company company, ModelSpecification specification) {
        FilingServiceGrpc.FilingServiceBlockingStub regulator = filing(Tokens.regulator());
        String code = regulator.registerManufacturer(RegisterManufacturerRequest.newBuilder().setRequestId(requestId())
                .setLegalName(company.legalName()).setCountry("CN")
                .setRegistrationNumber(company.registrationPrefix() + UUID.randomUUID().toString().substring(0, 12))
                .addContacts(Contact.newBuilder().setPurpose(ContactPurpose.CONTACT_PURPOSE_PUBLIC).setName("Desk")
                        .setEmail("desk@example.cn"))
                .build()).getManufacturer().getCode();
        FilingServiceGrpc.FilingServiceBlockingStub maker = filing(Tokens.manufacturer(code));
        String site = maker.registerProductionSite(RegisterProductionSiteRequest.newBuilder().setRequestId(requestId())
                .setManufacturerCode(code).setName("Plant").setAddress("1 Road").setCountry("CN").build())
                .getSite().getSiteCode();
        String filingId = maker.submitModelFiling(SubmitModelFilingRequest.newBuilder().setRequestId(requestId())
                .setManufacturerCode(code).setSpecification(specification).build()).getFiling().getFilingId();
        ModelFiling accepted = regulator.reviewModelFiling(ReviewModelFilingRequest.newBuilder().setRequestId(requestId())
                .setFilingId(filingId).setRevision(1).setDecision(ReviewDecision.REVIEW_DECISION_ACCEPT).build()).getFiling();
        return new Maker(code, site, accepted.getModelCode(), accepted.getFilingId(), List.of());
    }

    /** {@link #acceptedModel} and {@code robots} IDs issued for it (production year 26). */
    public Maker maker(Company company, ModelSpecification specification, int robots) {
        Maker maker = acceptedModel(company, specification);
        return robots == 0 ? maker : issue(maker, robots);
    }

    /** The maker with {@code count} more robot IDs issued by identity-service. */
    public Maker issue(Maker maker, int count) {
        List<String> ids = new ArrayList<>(maker.robots());
        GrpcClients.withToken(IdentityServiceGrpc.newBlockingStub(identity).withDeadlineAfter(120, TimeUnit.SECONDS),
                maker.token())
                .issueIdentities(IssueIdentitiesRequest.newBuilder().setRequestId(requestId()).setModelCode(maker.modelCode())
                        .setSiteCode(maker.siteCode()).setProductionYear(26).setCount(count).build())
                .forEachRemaining(chunk -> chunk.getIdentitiesList().forEach(i -> ids.add(i.getRobotId())));
        return new Maker(maker.code(), maker.siteCode(), maker.modelCode(), maker.filingId(), List.copyOf(ids));
    }

    private FilingServiceGrpc.FilingServiceBlockingStub filing(String token) {
        return GrpcClients.as(FilingServiceGrpc.newBlockingStub(filing), token);
    }

    /** A fresh request id. */
    public static String requestId() {
        return UUID.randomUUID().toString();
    }
}
