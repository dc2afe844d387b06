package io.robotid.kit.grpc;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.AbstractStub;
import io.robotid.kit.error.DomainException;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * How a service calls a peer (the kit's {@code io.robotid.kit.peers} and each service's {@code client/}):
 * with a deadline, on behalf of its caller (the caller's token forwarded, so the peer applies its own
 * rules to the same identity), answers resumed on the caller's Vert.x context, and a peer's refusal told in this service's words with
 * the peer's name in the reason ({@code FILING_UNAVAILABLE}, {@code IDENTITY_UNAVAILABLE},
 * {@code FILING_REFUSED}).
 */
public final class PeerCalls {
    private PeerCalls() {
    }

    /** The stub with a deadline, carrying {@code bearerToken} when there is one. */
    public static <S extends AbstractStub<S>> S stub(S stub, String bearerToken, Duration deadline) {
        S withToken = bearerToken == null ? stub : ForwardedToken.attach(stub, bearerToken);
        return withToken.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * The call made when subscribed, its answer handed back on the caller's Vert.x context: gRPC client
     * answers arrive on a gRPC thread, and what follows them (a Hibernate Reactive session) must run on
     * the context that opened it.
     */
    public static <T> Uni<T> onCallerContext(java.util.function.Supplier<Uni<T>> call) {
        Context context = Vertx.currentContext();
        Uni<T> deferred = Uni.createFrom().<T>deferred(() -> call.get());
        return context == null ? deferred : deferred.emitOn(task -> context.runOnContext(ignored -> task.run()));
    }

    /**
     * A peer's failure about one resource in this service's words: NOT_FOUND as this resource not found,
     * an unreachable or slow peer UNAVAILABLE ({@code <PEER>_UNAVAILABLE}, saying {@code consequence}),
     * a refusal PERMISSION_DENIED ({@code <PEER>_REFUSED}) or UNAUTHENTICATED; anything else as it came
     * (then INTERNAL, logged with its trace id).
     *
     * @param peer the peer's short name: {@code filing}, {@code identity}
     * @param consequence what it means for the caller, e.g. "nothing was recorded"
     */
    public static Throwable translate(Throwable failure, String peer, String resourceType, String name, String consequence) {
        if (!(failure instanceof StatusRuntimeException sre)) {
            return failure;
        }
        Status.Code code = sre.getStatus().getCode();
        String reasonPrefix = peer.toUpperCase(Locale.ROOT);
        String label = resourceType.replace('_', ' ');
        return switch (code) {
            case NOT_FOUND -> DomainException.notFound(resourceType, name);
            case UNAVAILABLE, DEADLINE_EXCEEDED, CANCELLED -> DomainException.unavailable(reasonPrefix + "_UNAVAILABLE",
                    peer + "-service could not confirm " + label + " " + name + " (" + code + "); " + consequence + "; retry");
            case PERMISSION_DENIED -> DomainException.permissionDenied(reasonPrefix + "_REFUSED",
                    peer + "-service refused to show " + label + " " + name + " to this caller");
            case UNAUTHENTICATED -> DomainException.unauthenticated(peer + "-service did not accept the caller's token");
            default -> failure;
        };
    }
}
