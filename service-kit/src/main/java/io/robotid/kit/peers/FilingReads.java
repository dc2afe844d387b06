package io.robotid.kit.peers;

import java.time.Duration;

import io.robotid.kit.grpc.PeerCalls;
import io.robotid.proto.filing.v1.GetManufacturerRequest;
import io.robotid.proto.filing.v1.GetModelRequest;
import io.robotid.proto.filing.v1.GetProductionSiteRequest;
import io.robotid.proto.filing.v1.Manufacturer;
import io.robotid.proto.filing.v1.ModelFiling;
import io.robotid.proto.filing.v1.MutinyFilingServiceGrpc;
import io.robotid.proto.filing.v1.ProductionSite;
import io.smallrye.mutiny.Uni;

/**
 * Reads from filing-service (a model filing, a manufacturer, a production site) on behalf of a caller:
 * its token forwarded (so filing applies its own visibility rules to the same identity), with a deadline,
 * the answer resumed on the caller's context, and filing's failure told in this service's words
 * ({@link PeerCalls#translate}: NOT_FOUND as this resource not found, an unreachable or slow filing-service
 * UNAVAILABLE {@code FILING_UNAVAILABLE} saying the consequence, a refusal {@code FILING_REFUSED}). A plain
 * class: each service builds it from its own {@code @GrpcClient("filing")} stub and configured deadline.
 */
public final class FilingReads {
    private final MutinyFilingServiceGrpc.MutinyFilingServiceStub filing;
    private final Duration deadline;
    /** null: filing's failures as it answered them. */
    private final String consequence;

    /**
     * @param consequence what a failed read means for this service's caller, e.g. "nothing was issued"
     */
    public FilingReads(MutinyFilingServiceGrpc.MutinyFilingServiceStub filing, Duration deadline, String consequence) {
        this.filing = filing;
        this.deadline = deadline;
        this.consequence = consequence;
    }

    /**
     * The same reads with filing's failures as it answered them (the gRPC status, untranslated), for a
     * caller that tells them apart itself (identity's public page says "not reachable" or "did not answer
     * in time").
     */
    public FilingReads asAnswered() {
        return new FilingReads(filing, deadline, null);
    }

    /** Reads as this caller, every read made through the answer under one deadline starting now. */
    public Caller as(String bearerToken) {
        return new Caller(PeerCalls.stub(filing, bearerToken, deadline));
    }

    /** The model filing with this code (one read: {@code as(bearerToken).model(modelCode)}) (accepted, withdrawn, ...); NOT_FOUND ({@code model}) when filing knows none. */
    public Uni<ModelFiling> model(String bearerToken, String modelCode) {
        return as(bearerToken).model(modelCode);
    }

    /** The manufacturer with this code; NOT_FOUND ({@code manufacturer}) when filing knows none. */
    public Uni<Manufacturer> manufacturer(String bearerToken, String code) {
        return as(bearerToken).manufacturer(code);
    }

    /** A manufacturer's production site; NOT_FOUND ({@code production_site}, {@code <maker>/<site>}) when filing knows none. */
    public Uni<ProductionSite> productionSite(String bearerToken, String manufacturerCode, String siteCode) {
        return as(bearerToken).productionSite(manufacturerCode, siteCode);
    }

    /** Reads on behalf of one caller under one deadline (several reads in a row, as one question). */
    public final class Caller {
        private final MutinyFilingServiceGrpc.MutinyFilingServiceStub stub;

        private Caller(MutinyFilingServiceGrpc.MutinyFilingServiceStub stub) {
            this.stub = stub;
        }

        public Uni<ModelFiling> model(String modelCode) {
            return read(modelOf(stub, modelCode), "model", modelCode);
        }

        public Uni<Manufacturer> manufacturer(String code) {
            return read(manufacturerOf(stub, code), "manufacturer", code);
        }

        public Uni<ProductionSite> productionSite(String manufacturerCode, String siteCode) {
            return read(siteOf(stub, manufacturerCode, siteCode), "production_site", manufacturerCode + "/" + siteCode);
        }
    }

    /** A read, its answer on the caller's context and its failure in this service's words (unless {@link #asAnswered}). */
    private <T> Uni<T> read(Uni<T> answer, String resourceType, String name) {
        return PeerCalls.onCallerContext(() -> {
            return consequence == null ? answer
                    : answer.onFailure().transform(failure -> PeerCalls.translate(failure, "filing", resourceType, name,
                            consequence));
        });
    }

    private static Uni<ModelFiling> modelOf(MutinyFilingServiceGrpc.MutinyFilingServiceStub stub, String modelCode) {
        return stub.getModel(GetModelRequest.newBuilder().setModelCode(modelCode).build())
                .map(response -> response.getFiling());
    }

    private static Uni<Manufacturer> manufacturerOf(MutinyFilingServiceGrpc.MutinyFilingServiceStub stub, String code) {
        return stub.getManufacturer(GetManufacturerRequest.newBuilder().setCode(code).build())
                .map(response -> response.getManufacturer());
    }

    private static Uni<ProductionSite> siteOf(MutinyFilingServiceGrpc.MutinyFilingServiceStub stub,
            String manufacturerCode, String siteCode) {
        return stub.getProductionSite(GetProductionSiteRequest.newBuilder().setManufacturerCode(manufacturerCode)
                .setSiteCode(siteCode).build()).map(response -> response.getSite());
    }
}
