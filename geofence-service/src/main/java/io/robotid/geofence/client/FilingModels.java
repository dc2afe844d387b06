package io.robotid.geofence.client;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.grpc.Channel;
import io.quarkus.grpc.GrpcClient;
import io.robotid.kit.grpc.ForwardedToken;
import io.robotid.proto.filing.v1.FilingServiceGrpc;
import io.robotid.proto.filing.v1.GetModelRequest;
import io.robotid.proto.filing.v1.IntelligenceLevel;
import io.smallrye.mutiny.Uni;

/** filing-service, asked for a model's intelligence level (derived there from its capability profile). */
@ApplicationScoped
public class FilingModels {
    private final FilingServiceGrpc.FilingServiceFutureStub filing;
    private final Duration deadline;

    public FilingModels(@GrpcClient("filing") Channel filing,
            @ConfigProperty(name = "robotid.geofence.filing-deadline", defaultValue = "3s") Duration deadline) {
        this.filing = FilingServiceGrpc.newFutureStub(filing);
        this.deadline = deadline;
    }

    public Uni<IntelligenceLevel> level(String token, String modelCode) {
        return Uni.createFrom().<io.robotid.proto.filing.v1.GetModelResponse>emitter(emitter -> com.google.common.util.concurrent.Futures
                .addCallback(ForwardedToken.attach(filing, token).withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                        .getModel(GetModelRequest.newBuilder().setModelCode(modelCode).build()),
                        new com.google.common.util.concurrent.FutureCallback<>() {
                            @Override
                            public void onSuccess(io.robotid.proto.filing.v1.GetModelResponse answer) {
                                emitter.complete(answer);
                            }

                            @Override
                            public void onFailure(Throwable failure) {
                                emitter.fail(failure);
                            }
                        }, com.google.common.util.concurrent.MoreExecutors.directExecutor()))
                .map(answer -> answer.getFiling().getCurrent().getIntelligenceLevel());
    }
}
