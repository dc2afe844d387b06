package io.robotid.geofence.client;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.quarkus.grpc.GrpcClient;
import io.robotid.geofence.GeofenceConfig;
import io.robotid.kit.peers.FilingReads;
import io.robotid.proto.filing.v1.MutinyFilingServiceGrpc;

/** The peers this service asks: the kit's gateways, built from this service's clients and deadlines. */
public class PeerGateways {
    /**
     * filing-service, asked with this service's own token for a model's intelligence level (derived there from
     * its capability profile), {@code robotid.geofence.filing-deadline}.
     */
    @Produces
    @Singleton
    FilingReads filingReads(@GrpcClient("filing") MutinyFilingServiceGrpc.MutinyFilingServiceStub filing,
            GeofenceConfig config) {
        return new FilingReads(filing, config.filingDeadline(), "the model's level is looked up again later");
    }
}
