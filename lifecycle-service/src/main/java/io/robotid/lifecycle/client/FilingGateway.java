package io.robotid.lifecycle.client;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.grpc.GrpcClient;
import io.robotid.lifecycle.LifecycleConfig;
import io.robotid.kit.grpc.PeerCalls;
import io.robotid.proto.filing.v1.GetModelRequest;
import io.robotid.proto.filing.v1.ModelFiling;
import io.robotid.proto.filing.v1.MutinyFilingServiceGrpc;
import io.smallrye.mutiny.Uni;

/** Asks filing-service about a recalled model, on behalf of the caller (its token forwarded), with a deadline. */
@ApplicationScoped
public class FilingGateway {
    private final MutinyFilingServiceGrpc.MutinyFilingServiceStub filing;
    private final Duration deadline;

    public FilingGateway(@GrpcClient("filing") MutinyFilingServiceGrpc.MutinyFilingServiceStub filing,
            LifecycleConfig config) {
        this.filing = filing;
        this.deadline = config.filingDeadline();
    }

    /** The accepted (or withdrawn) model; NOT_FOUND if filing-service knows no such model. */
    public Uni<ModelFiling> model(String bearerToken, String modelCode) {
        return PeerCalls.stub(filing, bearerToken, deadline)
                .getModel(GetModelRequest.newBuilder().setModelCode(modelCode).build())
                .map(response -> response.getFiling())
                .onFailure().transform(failure -> PeerCalls.translate(failure, "filing", "model", modelCode,
                        "nothing was created"));
    }
}
