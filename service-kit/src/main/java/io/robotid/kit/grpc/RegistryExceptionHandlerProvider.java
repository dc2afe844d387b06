package io.robotid.kit.grpc;

import jakarta.enterprise.context.ApplicationScoped;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.ExceptionHandler;
import io.quarkus.grpc.ExceptionHandlerProvider;
import io.robotid.kit.error.GrpcErrors;

/**
 * The one place where a gRPC method's failure becomes the status its caller sees, for every service:
 * whatever a method throws or fails its {@code Uni} / {@code Multi} with (a domain error, wrapped or not,
 * a security, database or downstream failure) goes through {@link GrpcErrors}, the error table. gRPC
 * adapters therefore neither catch nor map. Replaces Quarkus' default provider (a {@code @DefaultBean}).
 */
@ApplicationScoped
public class RegistryExceptionHandlerProvider implements ExceptionHandlerProvider {

    /** Used by Quarkus for the failures of Mutiny service methods. */
    @Override
    public Throwable transform(Throwable failure) {
        return GrpcErrors.toStatusException(failure);
    }

    /** Used for failures thrown while a call's listener runs (outside the method's Uni / Multi). */
    @Override
    public <ReqT, RespT> ExceptionHandler<ReqT, RespT> createHandler(ServerCall.Listener<ReqT> listener,
            ServerCall<ReqT, RespT> call, Metadata metadata) {
        return new ExceptionHandler<>(listener, call, metadata) {
            @Override
            protected void handleException(Throwable failure, ServerCall<ReqT, RespT> serverCall, Metadata headers) {
                StatusRuntimeException status = GrpcErrors.toStatusException(failure);
                try {
                    serverCall.close(status.getStatus(), status.getTrailers() != null ? status.getTrailers() : new Metadata());
                } catch (IllegalStateException alreadyClosed) {
                    // the call ended meanwhile (the client went away): nothing left to tell
                }
            }
        };
    }
}
