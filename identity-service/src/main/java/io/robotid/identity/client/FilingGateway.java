package io.robotid.identity.client;

import java.time.Duration;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.grpc.GrpcClient;
import io.robotid.identity.IdentityConfig;
import io.robotid.kit.grpc.PeerCalls;
import io.robotid.kit.error.DomainException;
import io.robotid.proto.filing.v1.FilingStatus;
import io.robotid.proto.filing.v1.GetManufacturerRequest;
import io.robotid.proto.filing.v1.GetModelRequest;
import io.robotid.proto.filing.v1.GetProductionSiteRequest;
import io.robotid.proto.filing.v1.ModelFiling;
import io.robotid.proto.filing.v1.MutinyFilingServiceGrpc;
import io.smallrye.mutiny.Uni;

/**
 * Asks filing-service, on behalf of the caller (its token is forwarded, so filing applies its
 * own visibility rules), whether a model and a site may get identities. Every call has a
 * deadline; an unreachable or slow filing-service makes the issuance UNAVAILABLE.
 */
@ApplicationScoped
public class FilingGateway {
    /** What an issuance needs from the filings: the origin code (manufacturer's country). */
    public record IssuanceTarget(String origin, String manufacturerCode, String modelCode, String siteCode) {
    }

    private final MutinyFilingServiceGrpc.MutinyFilingServiceStub filing;
    private final Duration deadline;

    public FilingGateway(@GrpcClient("filing") MutinyFilingServiceGrpc.MutinyFilingServiceStub filing,
            IdentityConfig config) {
        this.filing = filing;
        this.deadline = config.filingDeadline();
    }

    public Uni<IssuanceTarget> checkIssuance(String bearerToken, String manufacturerCode, String modelCode,
            String siteCode) {
        MutinyFilingServiceGrpc.MutinyFilingServiceStub stub = as(bearerToken);
        return stub.getModel(GetModelRequest.newBuilder().setModelCode(modelCode).build())
                .onFailure().transform(failure -> translate(failure, "model", modelCode))
                .map(response -> requireIssuable(response.getFiling(), manufacturerCode))
                .chain(model -> stub.getProductionSite(GetProductionSiteRequest.newBuilder()
                        .setManufacturerCode(manufacturerCode).setSiteCode(siteCode).build())
                        .onFailure().transform(failure -> translate(failure, "production_site",
                                manufacturerCode + "/" + siteCode)))
                .chain(site -> stub.getManufacturer(GetManufacturerRequest.newBuilder().setCode(manufacturerCode)
                        .build())
                        .onFailure().transform(failure -> translate(failure, "manufacturer", manufacturerCode)))
                .map(m -> new IssuanceTarget(m.getManufacturer().getCountry(), manufacturerCode, modelCode, siteCode));
    }

    /** A model filing as the public page shows it (read with the page's own token), no translation. */
    public Uni<ModelFiling> model(String token, String modelCode) {
        return as(token).getModel(GetModelRequest.newBuilder().setModelCode(modelCode).build())
                .map(response -> response.getFiling());
    }

    /** A manufacturer as the public page shows it (read with the page's own token), no translation. */
    public Uni<io.robotid.proto.filing.v1.Manufacturer> manufacturer(String token, String code) {
        return as(token).getManufacturer(GetManufacturerRequest.newBuilder().setCode(code).build())
                .map(response -> response.getManufacturer());
    }

    private static ModelFiling requireIssuable(ModelFiling model, String manufacturerCode) {
        if (!model.getManufacturerCode().equalsIgnoreCase(manufacturerCode)) {
            throw DomainException.permissionDenied("NOT_CALLERS_MANUFACTURER",
                    "model " + model.getModelCode() + " belongs to another manufacturer");
        }
        if (model.getStatus() == FilingStatus.FILING_STATUS_WITHDRAWN) {
            throw DomainException.failedPrecondition("MODEL_WITHDRAWN",
                    "model " + model.getModelCode() + " is withdrawn; no new identities are issued for it",
                    Map.of("model_code", model.getModelCode(), "status", "WITHDRAWN"));
        }
        if (model.getStatus() != FilingStatus.FILING_STATUS_ACCEPTED) {
            throw DomainException.failedPrecondition("MODEL_NOT_ACCEPTED",
                    "model " + model.getModelCode() + " is not accepted",
                    Map.of("model_code", model.getModelCode(), "status", model.getStatus().name()));
        }
        return model;
    }

    private MutinyFilingServiceGrpc.MutinyFilingServiceStub as(String bearerToken) {
        return PeerCalls.stub(filing, bearerToken, deadline);
    }

    /** filing-service's answer in this service's words. */
    private static Throwable translate(Throwable failure, String resourceType, String name) {
        return PeerCalls.translate(failure, "filing", resourceType, name, "nothing was issued");
    }
}
