package io.robotid.identity.support;

import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.grpc.ManagedChannel;
import io.robotid.proto.common.v1.Contact;
import io.robotid.proto.common.v1.ContactPurpose;
import io.robotid.proto.filing.v1.*;
import io.robotid.proto.identity.v1.IdentityServiceGrpc;
import io.robotid.proto.identity.v1.IssueIdentitiesRequest;
import io.robotid.testkit.Filings;
import io.robotid.testkit.GrpcClients;
import io.robotid.testkit.Tokens;

/** grpc-java clients over the network: identity-service under test, and the real filing-service. */
public final class Clients implements AutoCloseable {
    public static final int IDENTITY_PORT = 18101;

    private final ManagedChannel identity = GrpcClients.local(IDENTITY_PORT);
    private final ManagedChannel filing = GrpcClients.local(FilingServiceProcess.PORT);
    private final Filings filings = new Filings(filing, identity);

    public IdentityServiceGrpc.IdentityServiceBlockingStub identity(String token) {
        return GrpcClients.withToken(IdentityServiceGrpc.newBlockingStub(identity).withDeadlineAfter(120, TimeUnit.SECONDS),
                token);
    }

    /** identity-service's transparency log (robotid.tlog.v1); with a token when given one. */
    public io.robotid.proto.tlog.v1.TransparencyLogServiceGrpc.TransparencyLogServiceBlockingStub log(String token) {
        return GrpcClients.as(io.robotid.proto.tlog.v1.TransparencyLogServiceGrpc.newBlockingStub(identity), token);
    }

    /** filing-service's transparency log key (a c2sp.org/signed-note verifier key). */
    public String filingLogKey() {
        return GrpcClients.as(io.robotid.proto.tlog.v1.TransparencyLogServiceGrpc.newBlockingStub(filing), null)
                .getLogInfo(io.robotid.proto.tlog.v1.GetLogInfoRequest.getDefaultInstance()).getVkey();
    }

    public IdentityServiceGrpc.IdentityServiceBlockingStub identityAnonymous() {
        return IdentityServiceGrpc.newBlockingStub(identity).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    public IdentityServiceGrpc.IdentityServiceStub identityAsync(String token) {
        return GrpcClients.withToken(IdentityServiceGrpc.newStub(identity), token);
    }

    public FilingServiceGrpc.FilingServiceBlockingStub filing(String token) {
        return GrpcClients.as(FilingServiceGrpc.newBlockingStub(filing), token);
    }

    /** A manufacturer with one site and one accepted model, filed through the real filing-service (no robots). */
    public Filings.Maker fileMaker() {
        return fileMaker("Shenzhen Walker Robotics Ltd.");
    }

    public Filings.Maker fileMaker(String legalName) {
        return filings.acceptedModel(new Filings.Company(legalName, "9144-"), specification());
    }

    public void withdraw(Filings.Maker maker) {
        filing(Tokens.regulator()).withdrawModel(WithdrawModelRequest.newBuilder()
                .setRequestId(UUID.randomUUID().toString()).setFilingId(maker.filingId()).setReason("recall").build());
    }

    public static IssueIdentitiesRequest.Builder issue(Filings.Maker maker, int count) {
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
        GrpcClients.close(identity, filing);
    }
}
