package io.robotid.system.support;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.robotid.proto.common.v1.Contact;
import io.robotid.proto.common.v1.ContactPurpose;
import io.robotid.proto.filing.v1.BatteryChemistry;
import io.robotid.proto.filing.v1.CapabilityProfile;
import io.robotid.proto.filing.v1.DataCollectionDeclaration;
import io.robotid.proto.filing.v1.FilingServiceGrpc;
import io.robotid.proto.filing.v1.HardwareParameters;
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
 * The registry's first steps through its public APIs: a regulator registers a manufacturer, the
 * manufacturer files a site and a model, the regulator accepts it, the manufacturer issues IDs.
 */
public final class Registrations {
    public final String manufacturerCode;
    public final String siteCode;
    public final String modelCode;
    public final String manufacturerToken;

    private Registrations(String manufacturerCode, String siteCode, String modelCode, String manufacturerToken) {
        this.manufacturerCode = manufacturerCode;
        this.siteCode = siteCode;
        this.modelCode = modelCode;
        this.manufacturerToken = manufacturerToken;
    }

    public static Registrations accepted(Endpoints registry, String legalName) {
        var regulator = Endpoints.as(FilingServiceGrpc.newBlockingStub(registry.channel("filing-service")),
                registry.token("REGULATOR")).withDeadlineAfter(60, TimeUnit.SECONDS);
        String code = regulator.registerManufacturer(RegisterManufacturerRequest.newBuilder()
                .setRequestId(UUID.randomUUID().toString()).setLegalName(legalName).setCountry("DE")
                .setRegistrationNumber("HRB-" + UUID.randomUUID().toString().substring(0, 8))
                .addContacts(Contact.newBuilder().setPurpose(ContactPurpose.CONTACT_PURPOSE_PUBLIC).setName("Service desk")
                        .setEmail("desk@" + legalName.toLowerCase().replaceAll("[^a-z]", "") + ".example")).build())
                .getManufacturer().getCode();
        String makerToken = registry.token("MANUFACTURER", "manufacturer_code", code);
        var maker = Endpoints.as(FilingServiceGrpc.newBlockingStub(registry.channel("filing-service")), makerToken)
                .withDeadlineAfter(60, TimeUnit.SECONDS);
        String site = maker.registerProductionSite(RegisterProductionSiteRequest.newBuilder()
                .setRequestId(UUID.randomUUID().toString()).setManufacturerCode(code).setName("Plant Leipzig")
                .setAddress("1 Werkstrasse, Leipzig").setCountry("DE").build()).getSite().getSiteCode();
        String filingId = maker.submitModelFiling(SubmitModelFilingRequest.newBuilder()
                .setRequestId(UUID.randomUUID().toString()).setManufacturerCode(code)
                .setSpecification(ModelSpecification.newBuilder().setName("Helper H1").setFamily("H")
                        .setHardware(HardwareParameters.newBuilder().setHeightM(1.7).setMassKg(62).setDegreesOfFreedom(32)
                                .setTopSpeedMPerS(1.5).setBatteryCapacityWh(900)
                                .setBatteryChemistry(BatteryChemistry.BATTERY_CHEMISTRY_LITHIUM_ION).addSensors("stereo camera")
                                .setCompute("edge SoC"))
                        .setCapabilities(CapabilityProfile.newBuilder().setAutonomousLocomotion(true))
                        .setSoftwareBaseline(SoftwareBaseline.newBuilder().setFirmwareVersion("3.1.0"))
                        .setDataCollection(DataCollectionDeclaration.newBuilder()
                                .setNotice("Cameras record the surroundings for navigation; video is not stored."))
                        .addIntendedScenarios("retail assistance"))
                .build()).getFiling().getFilingId();
        String model = regulator.reviewModelFiling(ReviewModelFilingRequest.newBuilder()
                .setRequestId(UUID.randomUUID().toString()).setFilingId(filingId).setRevision(1)
                .setDecision(ReviewDecision.REVIEW_DECISION_ACCEPT).build()).getFiling().getModelCode();
        return new Registrations(code, site, model, makerToken);
    }

    /** Issues {@code count} identities (ID and certificate) of the model at the site. */
    public List<io.robotid.proto.identity.v1.Identity> issueIdentities(Endpoints registry, int count) {
        List<io.robotid.proto.identity.v1.Identity> out = new ArrayList<>();
        Endpoints.as(IdentityServiceGrpc.newBlockingStub(registry.channel("identity-service")), manufacturerToken)
                .withDeadlineAfter(120, TimeUnit.SECONDS)
                .issueIdentities(IssueIdentitiesRequest.newBuilder().setRequestId(UUID.randomUUID().toString())
                        .setModelCode(modelCode).setSiteCode(siteCode).setProductionYear(26).setCount(count).build())
                .forEachRemaining(chunk -> out.addAll(chunk.getIdentitiesList()));
        return out;
    }

    /** Issues {@code count} IDs of the model at the site. */
    public List<String> issue(Endpoints registry, int count) {
        List<String> ids = new ArrayList<>();
        Endpoints.as(IdentityServiceGrpc.newBlockingStub(registry.channel("identity-service")), manufacturerToken)
                .withDeadlineAfter(120, TimeUnit.SECONDS)
                .issueIdentities(IssueIdentitiesRequest.newBuilder().setRequestId(UUID.randomUUID().toString())
                        .setModelCode(modelCode).setSiteCode(siteCode).setProductionYear(26).setCount(count).build())
                .forEachRemaining(chunk -> chunk.getIdentitiesList().forEach(i -> ids.add(i.getRobotId())));
        return ids;
    }
}
