package io.robotid.lifecycle.client;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.quarkus.grpc.GrpcClient;
import io.robotid.lifecycle.LifecycleConfig;
import io.robotid.kit.error.DomainException;
import io.robotid.kit.grpc.PeerCalls;
import io.robotid.kit.id.RobotId;
import io.robotid.proto.identity.v1.MutinyIdentityServiceGrpc;
import io.robotid.proto.identity.v1.Verdict;
import io.robotid.proto.identity.v1.VerifyIdentityRequest;
import io.smallrye.mutiny.Uni;

/**
 * Asks identity-service whether a robot ID was issued (the public VerifyIdentity, with a
 * deadline). Issued IDs are never deleted, so a yes is cached for good; a no is asked again.
 */
@ApplicationScoped
public class IdentityGateway {
    private static final int CACHE_LIMIT = 200_000;

    private final MutinyIdentityServiceGrpc.MutinyIdentityServiceStub identity;
    private final Duration deadline;
    private final Cache<String, Boolean> issued = Caffeine.newBuilder().maximumSize(CACHE_LIMIT).build();

    public IdentityGateway(@GrpcClient("identity") MutinyIdentityServiceGrpc.MutinyIdentityServiceStub identity,
            LifecycleConfig config) {
        this.identity = identity;
        this.deadline = config.identityDeadline();
    }

    /** Whether this ID is already known to be issued (no question asked). */
    public boolean knownIssued(RobotId id) {
        return issued.getIfPresent(id.canonical()) != null;
    }

    /** Completes when the ID was issued; NOT_FOUND when it never was; UNAVAILABLE when identity cannot tell. */
    public Uni<Void> requireIssued(RobotId id) {
        if (issued.getIfPresent(id.canonical()) != null) {
            return Uni.createFrom().voidItem();
        }
        return PeerCalls.stub(identity, null, deadline)
                .verifyIdentity(VerifyIdentityRequest.newBuilder().setRobotId(id.canonical()).build())
                .onFailure().transform(failure -> PeerCalls.translate(failure, "identity", "robot", id.canonical(),
                        "nothing was recorded"))
                .invoke(answer -> {
                    if (answer.getVerdict() != Verdict.VERDICT_VALID && answer.getVerdict() != Verdict.VERDICT_RETIRED) {
                        throw DomainException.notFound("robot", id.canonical());
                    }
                    issued.put(id.canonical(), Boolean.TRUE);
                })
                .replaceWithVoid();
    }
}
