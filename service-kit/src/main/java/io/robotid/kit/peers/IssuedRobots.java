package io.robotid.kit.peers;

import java.time.Duration;
import java.util.List;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.robotid.kit.error.DomainException;
import io.robotid.kit.error.ErrorKind;
import io.robotid.kit.grpc.PeerCalls;
import io.robotid.kit.id.RobotId;
import io.robotid.proto.identity.v1.MutinyIdentityServiceGrpc;
import io.robotid.proto.identity.v1.Verdict;
import io.robotid.proto.identity.v1.VerifyIdentitiesRequest;
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

    /** Most IDs one VerifyIdentities call asks about (identity-service's limit). */
    public static final int BATCH = 1_000;

    /**
     * Which of these IDs were never issued (their canonical forms), the others cached as issued. The IDs not
     * already known are asked of VerifyIdentities, {@value #BATCH} a call, the calls one after the other: one
     * round trip and one database read for a batch of robots rather than a call each. An identity-service
     * older than that RPC (UNIMPLEMENTED, during a rolling upgrade) is asked VerifyIdentity for each ID, a few
     * at a time. UNAVAILABLE ({@code IDENTITY_UNAVAILABLE}) when identity-service cannot tell.
     */
    public Uni<java.util.Set<String>> notIssued(java.util.Collection<RobotId> ids) {
        List<RobotId> unknown = ids.stream().distinct().filter(id -> !knownIssued(id)).toList();
        java.util.Set<String> never = java.util.concurrent.ConcurrentHashMap.newKeySet();
        if (unknown.isEmpty()) {
            return Uni.createFrom().item(never);
        }
        List<List<RobotId>> calls = new java.util.ArrayList<>();
        for (int from = 0; from < unknown.size(); from += BATCH) {
            calls.add(unknown.subList(from, Math.min(unknown.size(), from + BATCH)));
        }
        return io.smallrye.mutiny.Multi.createFrom().iterable(calls)
                .onItem().transformToUniAndConcatenate(call -> askAll(call, never))
                .collect().last().replaceWith(never);
    }

    private Uni<Void> askAll(List<RobotId> ids, java.util.Set<String> never) {
        return PeerCalls.onCallerContext(() -> PeerCalls.stub(identity, null, deadline)
                .verifyIdentities(VerifyIdentitiesRequest.newBuilder()
                        .addAllRobotIds(ids.stream().map(RobotId::canonical).toList()).build())
                .map(answer -> {
                    for (int i = 0; i < ids.size(); i++) {
                        String canonical = ids.get(i).canonical();
                        if (!remember(canonical, answer.getResults(i).getVerdict())) {
                            never.add(canonical);
                        }
                    }
                    return (Void) null;
                })
                .onFailure().transform(failure -> PeerCalls.translate(failure, "identity", "robot",
                        ids.get(0).canonical() + (ids.size() > 1 ? " and " + (ids.size() - 1) + " more" : ""),
                        consequence)))
                .onFailure(IssuedRobots::unimplemented).recoverWithUni(older -> one(ids, never));
    }

    /** VerifyIdentity for each ID, a few at a time (an identity-service without VerifyIdentities). */
    private Uni<Void> one(List<RobotId> ids, java.util.Set<String> never) {
        return io.smallrye.mutiny.Multi.createFrom().iterable(ids)
                .onItem().transformToUni(id -> requireIssued(id).replaceWithVoid()
                        .onFailure(f -> f instanceof DomainException d && d.kind() == ErrorKind.NOT_FOUND)
                        .recoverWithUni(neverIssued -> {
                            never.add(id.canonical());
                            return Uni.createFrom().voidItem();
                        }))
                .merge(QUESTIONS_AT_ONCE).collect().last().replaceWithVoid();
    }

    /** VerifyIdentity questions in flight at once when VerifyIdentities is not there. */
    private static final int QUESTIONS_AT_ONCE = 4;

    private static boolean unimplemented(Throwable failure) {
        return failure instanceof io.grpc.StatusRuntimeException sre
                && sre.getStatus().getCode() == io.grpc.Status.Code.UNIMPLEMENTED;
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
                    if (!remember(canonical, answer.getVerdict())) {
                        throw DomainException.notFound("robot", canonical);
                    }
                    return answer.getVerdict();
                }));
    }

    /** Whether a verdict says the ID was issued (VALID or RETIRED); such a verdict is cached. */
    private boolean remember(String canonical, Verdict verdict) {
        if (verdict != Verdict.VERDICT_VALID && verdict != Verdict.VERDICT_RETIRED) {
            return false;
        }
        issued.put(canonical, verdict);
        return true;
    }
}
