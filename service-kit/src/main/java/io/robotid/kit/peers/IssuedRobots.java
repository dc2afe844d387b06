package io.robotid.kit.peers;

import java.time.Duration;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.robotid.kit.error.DomainException;
import io.robotid.kit.grpc.PeerCalls;
import io.robotid.kit.id.RobotId;
import io.robotid.proto.identity.v1.MutinyIdentityServiceGrpc;
import io.robotid.proto.identity.v1.Verdict;
import io.robotid.proto.identity.v1.VerifyIdentityRequest;
import io.smallrye.mutiny.Uni;

/**
 * Whether a robot ID was issued, asked of identity-service's public VerifyIdentity (no token, with a
 * deadline, the answer resumed on the caller's context). Issued IDs are never deleted, so an answer that
 * one was issued (VALID or RETIRED) is cached (bounded); an ID never issued is NOT_FOUND and asked again
 * next time; an identity-service that cannot tell is UNAVAILABLE ({@code IDENTITY_UNAVAILABLE}, saying
 * the consequence). A plain class: each service builds it from its own {@code @GrpcClient("identity")}
 * stub and its configured deadline.
 */
public final class IssuedRobots {
    /** Most verdicts kept. */
    public static final long CACHE_SIZE = 200_000;

    private final MutinyIdentityServiceGrpc.MutinyIdentityServiceStub identity;
    private final Duration deadline;
    private final String consequence;
    private final Cache<String, Verdict> issued;

    /**
     * @param consequence what a failed question means for this service's caller, e.g. "nothing was recorded"
     */
    public IssuedRobots(MutinyIdentityServiceGrpc.MutinyIdentityServiceStub identity, Duration deadline,
            String consequence) {
        this(identity, deadline, consequence, CACHE_SIZE);
    }

    public IssuedRobots(MutinyIdentityServiceGrpc.MutinyIdentityServiceStub identity, Duration deadline,
            String consequence, long cacheSize) {
        this.identity = identity;
        this.deadline = deadline;
        this.consequence = consequence;
        this.issued = Caffeine.newBuilder().maximumSize(cacheSize).build();
    }

    /** Whether this ID is already known to be issued (no question asked). */
    public boolean knownIssued(RobotId id) {
        return issued.getIfPresent(id.canonical()) != null;
    }

    /** {@link #requireIssued(RobotId, boolean)} answered from the cache when it can be. */
    public Uni<Verdict> requireIssued(RobotId id) {
        return requireIssued(id, false);
    }

    /**
     * VALID or RETIRED for an issued ID; NOT_FOUND ({@code robot}) when it never was; UNAVAILABLE
     * ({@code IDENTITY_UNAVAILABLE}) when identity-service cannot tell.
     *
     * @param fresh ask even when an earlier answer is cached (a robot may have been retired since)
     */
    public Uni<Verdict> requireIssued(RobotId id, boolean fresh) {
        String canonical = id.canonical();
        Verdict known = fresh ? null : issued.getIfPresent(canonical);
        if (known != null) {
            return Uni.createFrom().item(known);
        }
        return PeerCalls.onCallerContext(() -> PeerCalls.stub(identity, null, deadline)
                .verifyIdentity(VerifyIdentityRequest.newBuilder().setRobotId(canonical).build())
                .onFailure().transform(failure -> PeerCalls.translate(failure, "identity", "robot", canonical, consequence))
                .map(answer -> {
                    Verdict verdict = answer.getVerdict();
                    if (verdict != Verdict.VERDICT_VALID && verdict != Verdict.VERDICT_RETIRED) {
                        throw DomainException.notFound("robot", canonical);
                    }
                    issued.put(canonical, verdict);
                    return verdict;
                }));
    }
}
