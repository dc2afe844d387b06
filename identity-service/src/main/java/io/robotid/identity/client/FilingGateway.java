package io.robotid.identity.client;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.grpc.GrpcClient;
import io.robotid.identity.IdentityConfig;
import io.robotid.kit.error.DomainException;
import io.robotid.kit.peers.FilingReads;
import io.robotid.proto.filing.v1.FilingStatus;
import io.robotid.proto.filing.v1.Manufacturer;
import io.robotid.proto.filing.v1.ModelFiling;
import io.robotid.proto.filing.v1.MutinyFilingServiceGrpc;
import io.smallrye.mutiny.Uni;

/**
 * Asks filing-service, on behalf of the caller (its token is forwarded, so filing applies its
 * own visibility rules), whether a model and a site may get identities, through the kit's
 * {@link FilingReads} ({@code robotid.identity.filing-deadline}); an unreachable or slow
 * filing-service makes the issuance UNAVAILABLE ({@code FILING_UNAVAILABLE}, "nothing was issued").
 * The public page reads the same filings with filing's statuses as it answered them.
 */
@ApplicationScoped
public class FilingGateway {
    /** What an issuance needs from the filings: the origin code (manufacturer's country). */
    public record IssuanceTarget(String origin, String manufacturerCode, String modelCode, String siteCode) {
    }

    private final FilingReads issuance;
    private final FilingReads page;

    public FilingGateway(@GrpcClient("filing") MutinyFilingServiceGrpc.MutinyFilingServiceStub filing,
            IdentityConfig config) {
        this.issuance = new FilingReads(filing, config.filingDeadline(), "nothing was issued");
        this.page = issuance.asAnswered();
    }

    /** The model, its site and its maker, read as the caller under one deadline (the kit's {@link FilingReads}). */
    public Uni<IssuanceTarget> checkIssuance(String bearerToken, String manufacturerCode, String modelCode,
            String siteCode) {
        FilingReads.Caller filing = issuance.as(bearerToken);
        return filing.model(modelCode)
                .map(model -> requireIssuable(model, manufacturerCode))
                .chain(model -> filing.productionSite(manufacturerCode, siteCode))
                .chain(site -> filing.manufacturer(manufacturerCode))
                .map(m -> new IssuanceTarget(m.getCountry(), manufacturerCode, modelCode, siteCode));
    }

    /** A model filing as the public page shows it (read with the page's own token), no translation. */
    public Uni<ModelFiling> model(String token, String modelCode) {
        return page.model(token, modelCode);
    }

    /** A manufacturer as the public page shows it (read with the page's own token), no translation. */
    public Uni<Manufacturer> manufacturer(String token, String code) {
        return page.manufacturer(token, code);
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
}
