package io.robotid.certification.client;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.quarkus.grpc.GrpcClient;
import io.robotid.certification.CertificationConfig;
import io.robotid.kit.peers.FilingReads;
import io.robotid.kit.peers.IssuedRobots;
import io.robotid.proto.filing.v1.MutinyFilingServiceGrpc;
import io.robotid.proto.identity.v1.MutinyIdentityServiceGrpc;

/** The peers this service asks: the kit's gateways, built from this service's clients and deadlines. */
public class PeerGateways {
    /**
     * Whether a robot ID was issued (identity-service, {@code robotid.certification.identity-deadline}): the
     * verdict is cached for reads; test submissions ask fresh, to see a retirement.
     */
    @Produces
    @Singleton
    IssuedRobots issuedRobots(@GrpcClient("identity") MutinyIdentityServiceGrpc.MutinyIdentityServiceStub identity,
            CertificationConfig config) {
        return new IssuedRobots(identity, config.identityDeadline(), "nothing was recorded");
    }

    /** A model, read with the caller's token (filing-service, {@code robotid.certification.filing-deadline}). */
    @Produces
    @Singleton
    FilingReads filingReads(@GrpcClient("filing") MutinyFilingServiceGrpc.MutinyFilingServiceStub filing,
            CertificationConfig config) {
        return new FilingReads(filing, config.filingDeadline(), "nothing was recorded");
    }
}
