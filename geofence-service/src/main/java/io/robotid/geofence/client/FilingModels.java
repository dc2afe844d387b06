package io.robotid.geofence.client;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.grpc.GrpcClient;
import io.robotid.geofence.GeofenceConfig;
import io.robotid.kit.grpc.PeerCalls;
import io.robotid.proto.filing.v1.GetModelRequest;
import io.robotid.proto.filing.v1.IntelligenceLevel;
import io.robotid.proto.filing.v1.MutinyFilingServiceGrpc;
import io.smallrye.mutiny.Uni;

/** filing-service, asked for a model's intelligence level (derived there from its capability profile). */
@ApplicationScoped
public class FilingModels {
    private final MutinyFilingServiceGrpc.MutinyFilingServiceStub filing;
    private final Duration deadline;

    public FilingModels(@GrpcClient("filing") MutinyFilingServiceGrpc.MutinyFilingServiceStub filing,
            GeofenceConfig config) {
        this.filing = filing;
        this.deadline = config.filingDeadline();
    }

    public Uni<IntelligenceLevel> level(String token, String modelCode) {
        return PeerCalls.stub(filing, token, deadline).getModel(GetModelRequest.newBuilder().setModelCode(modelCode).build())
                .map(answer -> answer.getFiling().getCurrent().getIntelligenceLevel());
    }
}
