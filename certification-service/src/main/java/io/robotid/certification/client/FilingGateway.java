package io.robotid.certification.client;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.robotid.kit.error.DomainException;
import io.robotid.kit.grpc.ForwardedToken;
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
            @ConfigProperty(name = "robotid.certification.filing-deadline", defaultValue = "3s") Duration deadline) {
        this.filing = filing;
        this.deadline = deadline;
    }

    /** The model with this code (accepted or withdrawn); NOT_FOUND when filing-service knows none. */
    public Uni<ModelFiling> model(String bearerToken, String modelCode) {
        return OnCallerContext.resume(Uni.createFrom().deferred(() -> ForwardedToken.attach(filing, bearerToken)
                .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                .getModel(GetModelRequest.newBuilder().setModelCode(modelCode).build()))
                .map(response -> response.getFiling())
                .onFailure(StatusRuntimeException.class).transform(failure -> {
                    StatusRuntimeException sre = (StatusRuntimeException) failure;
                    return switch (sre.getStatus().getCode()) {
                        case NOT_FOUND -> DomainException.notFound("model", modelCode);
                        case UNAUTHENTICATED -> DomainException.unauthenticated(
                                "filing-service did not accept the caller's token");
                        case PERMISSION_DENIED -> DomainException.permissionDenied("FILING_REFUSED",
                                "filing-service refused to show model " + modelCode + " to this caller");
                        default -> DomainException.unavailable("FILING_UNAVAILABLE", "filing-service could not confirm model "
                                + modelCode + " (" + sre.getStatus().getCode() + "); nothing was recorded; retry");
                    };
                }));
    }
}
