package io.robotid.certification.client;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.quarkus.grpc.GrpcClient;
import io.robotid.certification.CertificationConfig;
import io.robotid.kit.error.DomainException;
import io.robotid.kit.grpc.PeerCalls;
import io.robotid.kit.id.RobotId;
import io.robotid.proto.identity.v1.MutinyIdentityServiceGrpc;
import io.robotid.proto.identity.v1.Verdict;
import io.robotid.proto.identity.v1.VerifyIdentityRequest;
import io.smallrye.mutiny.Uni;

/**
 * Asks identity-service whether a robot ID was issued (the public VerifyIdentity, with a
 * deadline). Issued IDs are never deleted, so an answer that it was issued is cached for reads;
 * test submissions ask again, to see a retirement.
 */
@ApplicationScoped
public class IdentityGateway {
    private static final int CACHE_LIMIT = 200_000;

    private final MutinyIdentityServiceGrpc.MutinyIdentityServiceStub identity;
    private final Duration deadline;
    private final Cache<String, Verdict> issued = Caffeine.newBuilder().maximumSize(CACHE_LIMIT).build();

    public IdentityGateway(@GrpcClient("identity") MutinyIdentityServiceGrpc.MutinyIdentityServiceStub identity,
            CertificationConfig config) {
        this.identity = identity;
        this.deadline = config.identityDeadline();
    }

    /**
     * VALID or RETIRED for an issued ID; NOT_FOUND when it never was; UNAVAILABLE
     * ({@code IDENTITY_UNAVAILABLE}) when identity-service cannot tell.
     *
     * @param fresh ask even when an earlier answer is cached (a robot may have been retired since)
     */
    public Uni<Verdict> requireIssued(RobotId id, boolean fresh) {
        Verdict known = fresh ? null : issued.getIfPresent(id.canonical());
        if (known != null) {
            return Uni.createFrom().item(known);
        }
        return PeerCalls.onCallerContext(() -> PeerCalls.stub(identity, null, deadline)
                .verifyIdentity(VerifyIdentityRequest.newBuilder().setRobotId(id.canonical()).build())
                .onFailure().transform(failure -> PeerCalls.translate(failure, "identity", "robot", id.canonical(),
                        "nothing was recorded"))
                .map(answer -> {
                    Verdict verdict = answer.getVerdict();
                    if (verdict != Verdict.VERDICT_VALID && verdict != Verdict.VERDICT_RETIRED) {
                        throw DomainException.notFound("robot", id.canonical());
                    }
                    issued.put(id.canonical(), verdict);
                    return verdict;
                }));
    }
}
