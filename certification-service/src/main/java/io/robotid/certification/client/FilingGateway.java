package io.robotid.certification.client;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.grpc.GrpcClient;
import io.robotid.certification.CertificationConfig;
import io.robotid.kit.grpc.PeerCalls;
import io.robotid.proto.filing.v1.GetModelRequest;
import io.robotid.proto.filing.v1.ModelFiling;
import io.robotid.proto.filing.v1.MutinyFilingServiceGrpc;
import io.smallrye.mutiny.Uni;

/**
 * Asks filing-service about a model, on behalf of the caller (its token forwarded, so filing
 * applies its own visibility rules), with a deadline. An unreachable or slow filing-service is
 * UNAVAILABLE ({@code FILING_UNAVAILABLE}), never INTERNAL.
 */
@ApplicationScoped
public class FilingGateway {
    private final MutinyFilingServiceGrpc.MutinyFilingServiceStub filing;
    private final Duration deadline;

    public FilingGateway(@GrpcClient("filing") MutinyFilingServiceGrpc.MutinyFilingServiceStub filing,
            CertificationConfig config) {
        this.filing = filing;
        this.deadline = config.filingDeadline();
    }

    /** The model with this code (accepted or withdrawn); NOT_FOUND when filing-service knows none. */
    public Uni<ModelFiling> model(String bearerToken, String modelCode) {
        return PeerCalls.onCallerContext(() -> PeerCalls.stub(filing, bearerToken, deadline)
                .getModel(GetModelRequest.newBuilder().setModelCode(modelCode).build())
                .map(response -> response.getFiling())
                .onFailure().transform(failure -> PeerCalls.translate(failure, "filing", "model", modelCode,
                        "nothing was recorded")));
    }
}
