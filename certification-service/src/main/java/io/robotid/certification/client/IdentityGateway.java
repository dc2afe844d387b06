package io.robotid.certification.client;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.robotid.kit.error.DomainException;
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
    private final Map<String, Verdict> issued = new ConcurrentHashMap<>();

    public IdentityGateway(@GrpcClient("identity") MutinyIdentityServiceGrpc.MutinyIdentityServiceStub identity,
            @ConfigProperty(name = "robotid.certification.identity-deadline", defaultValue = "3s") Duration deadline) {
        this.identity = identity;
        this.deadline = deadline;
    }

    /**
     * VALID or RETIRED for an issued ID; NOT_FOUND when it never was; UNAVAILABLE
     * ({@code IDENTITY_UNAVAILABLE}) when identity-service cannot tell.
     *
     * @param fresh ask even when an earlier answer is cached (a robot may have been retired since)
     */
    public Uni<Verdict> requireIssued(RobotId id, boolean fresh) {
        Verdict known = fresh ? null : issued.get(id.canonical());
        if (known != null) {
            return Uni.createFrom().item(known);
        }
        return OnCallerContext.resume(Uni.createFrom().deferred(() -> identity
                .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                .verifyIdentity(VerifyIdentityRequest.newBuilder().setRobotId(id.canonical()).build()))
                .onFailure(StatusRuntimeException.class).transform(failure -> DomainException.unavailable(
                        "IDENTITY_UNAVAILABLE", "identity-service could not confirm robot " + id.canonical() + " ("
                                + ((StatusRuntimeException) failure).getStatus().getCode() + "); retry"))
                .map(answer -> {
                    Verdict verdict = answer.getVerdict();
                    if (verdict != Verdict.VERDICT_VALID && verdict != Verdict.VERDICT_RETIRED) {
                        throw DomainException.notFound("robot", id.canonical());
                    }
                    if (issued.size() > CACHE_LIMIT) {
                        issued.clear();
                    }
                    issued.put(id.canonical(), verdict);
                    return verdict;
                }));
    }
}
