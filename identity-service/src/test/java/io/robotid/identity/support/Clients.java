package io.robotid.identity.support;

import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.robotid.proto.common.v1.Contact;
import io.robotid.proto.common.v1.ContactPurpose;
import io.robotid.proto.filing.v1.*;
import io.robotid.proto.identity.v1.IdentityServiceGrpc;
import io.robotid.proto.identity.v1.IssueIdentitiesRequest;
import io.robotid.testkit.Tokens;

/** grpc-java clients over the network: identity-service under test, and the real filing-service. */
public final class Clients implements AutoCloseable {
    public static final int IDENTITY_PORT = 18101;
    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization",
            Metadata.ASCII_STRING_MARSHALLER);

    private final ManagedChannel identity = ManagedChannelBuilder.forAddress("127.0.0.1", IDENTITY_PORT)
            .usePlaintext().maxInboundMessageSize(64 * 1024 * 1024).build();
    private final ManagedChannel filing = ManagedChannelBuilder.forAddress("127.0.0.1", FilingServiceProcess.PORT)
            .usePlaintext().build();

    public IdentityServiceGrpc.IdentityServiceBlockingStub identity(String token) {
        return IdentityServiceGrpc.newBlockingStub(identity).withDeadlineAfter(120, TimeUnit.SECONDS)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(token)));
    }

    /** identity-service's transparency log (robotid.tlog.v1); with a token when given one. */
    public io.robotid.proto.tlog.v1.TransparencyLogServiceGrpc.TransparencyLogServiceBlockingStub log(String token) {
        var stub = io.robotid.proto.tlog.v1.TransparencyLogServiceGrpc.newBlockingStub(identity)
                .withDeadlineAfter(30, java.util.concurrent.TimeUnit.SECONDS);
        if (token == null) {
            return stub;
        }
        io.grpc.Metadata headers = new io.grpc.Metadata();
        headers.put(io.grpc.Metadata.Key.of("authorization", io.grpc.Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        return stub.withInterceptors(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    /** filing-service's transparency log key (a c2sp.org/signed-note verifier key). */
    public String filingLogKey() {
        return io.robotid.proto.tlog.v1.TransparencyLogServiceGrpc.newBlockingStub(filing).withDeadlineAfter(30, TimeUnit.SECONDS)
                .getLogInfo(io.robotid.proto.tlog.v1.GetLogInfoRequest.getDefaultInstance()).getVkey();
    }

    public IdentityServiceGrpc.IdentityServiceBlockingStub identityAnonymous() {
        return IdentityServiceGrpc.newBlockingStub(identity).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    public IdentityServiceGrpc.IdentityServiceStub identityAsync(String token) {
        return IdentityServiceGrpc.newStub(identity)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(token)));
    }

    public FilingServiceGrpc.FilingServiceBlockingStub filing(String token) {
        return FilingServiceGrpc.newBlockingStub(filing).withDeadlineAfter(30, TimeUnit.SECONDS)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(token)));
    }

    private static Metadata bearer(String token) {
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer " + token);
        return headers;
    }

    /** A manufacturer with one site and one accepted model, filed through the real filing-service. */
    public record Maker(String code, String siteCode, String modelCode, String filingId) {
        public String token() {
            return Tokens.manufacturer(code);
        }
    }

    public Maker fileMaker() {
        return fileMaker("Shenzhen Walker Robotics Ltd.");
    }

    public Maker fileMaker(String legalName) {
        String code = filing(Tokens.regulator()).registerManufacturer(RegisterManufacturerRequest.newBuilder()
                .setRequestId(UUID.randomUUID().toString()).setLegalName(legalName)
                .setCountry("CN").setRegistrationNumber("9144-" + UUID.randomUUID().toString().substring(0, 13))
                .addContacts(Contact.newBuilder().setPurpose(ContactPurpose.CONTACT_PURPOSE_PUBLIC).setName("Desk")
                        .setEmail("desk@example.cn"))
                .build()).getManufacturer().getCode();
        String token = Tokens.manufacturer(code);
        String site = filing(token).registerProductionSite(RegisterProductionSiteRequest.newBuilder()
                .setRequestId(UUID.randomUUID().toString()).setManufacturerCode(code).setName("Plant 1")
                .setAddress("8 Factory Road, Shenzhen").setCountry("CN").build()).getSite().getSiteCode();
        ModelFiling filed = filing(token).submitModelFiling(SubmitModelFilingRequest.newBuilder()
                .setRequestId(UUID.randomUUID().toString()).setManufacturerCode(code)
                .setSpecification(specification()).build()).getFiling();
        ModelFiling accepted = filing(Tokens.regulator()).reviewModelFiling(ReviewModelFilingRequest.newBuilder()
                .setRequestId(UUID.randomUUID().toString()).setFilingId(filed.getFilingId()).setRevision(1)
                .setDecision(ReviewDecision.REVIEW_DECISION_ACCEPT).build()).getFiling();
        return new Maker(code, site, accepted.getModelCode(), accepted.getFilingId());
    }

    public void withdraw(Maker maker) {
        filing(Tokens.regulator()).withdrawModel(WithdrawModelRequest.newBuilder()
                .setRequestId(UUID.randomUUID().toString()).setFilingId(maker.filingId()).setReason("recall").build());
    }

    public static IssueIdentitiesRequest.Builder issue(Maker maker, int count) {
        return IssueIdentitiesRequest.newBuilder().setRequestId(UUID.randomUUID().toString())
                .setModelCode(maker.modelCode()).setSiteCode(maker.siteCode()).setProductionYear(26).setCount(count);
    }

    static ModelSpecification specification() {
        return ModelSpecification.newBuilder().setName("Walker S2").setFamily("Walker")
                .setHardware(HardwareParameters.newBuilder().setHeightM(1.7).setMassKg(70).setDegreesOfFreedom(40)
                        .setPayloadKg(10).setTopSpeedMPerS(2).setBatteryCapacityWh(1000)
                        .setBatteryChemistry(BatteryChemistry.BATTERY_CHEMISTRY_LITHIUM_ION).addSensors("camera")
                        .setCompute("soc"))
                .setCapabilities(CapabilityProfile.newBuilder().setAutonomousLocomotion(true))
                .setSoftwareBaseline(SoftwareBaseline.newBuilder().setFirmwareVersion("1.0.0"))
                .setDataCollection(DataCollectionDeclaration.newBuilder().setNotice("Nothing is recorded."))
                .addIntendedScenarios("factory logistics")
                .build();
    }

    @Override
    public void close() throws InterruptedException {
        identity.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        filing.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
