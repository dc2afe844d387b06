package io.robotid.kit.security;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.auth.AuthExceptionHandler;
import io.quarkus.grpc.auth.AuthExceptionHandlerProvider;
import io.quarkus.security.AuthenticationException;
import io.robotid.kit.error.GrpcErrors;

/**
 * Security failures through the error table: a call without a valid token gets UNAUTHENTICATED
 * (Quarkus answers PERMISSION_DENIED for an anonymous caller on a {@code @RolesAllowed} method),
 * a wrong role PERMISSION_DENIED with ErrorInfo reason {@code ROLE_NOT_ALLOWED}.
 */
@ApplicationScoped
@Alternative
@Priority(1) // selected over Quarkus' default, so the gRPC exception handler resolves exactly this one
public class AuthErrorsProvider implements AuthExceptionHandlerProvider {

    @Override
    public int getPriority() {
        return DEFAULT_PRIORITY + 1;
    }

    @Override
    public <ReqT, RespT> AuthExceptionHandler<ReqT, RespT> createHandler(ServerCall.Listener<ReqT> listener,
            ServerCall<ReqT, RespT> serverCall, Metadata metadata) {
        return new AuthExceptionHandler<>(listener, serverCall, metadata) {
            @Override
            protected void handleException(Throwable failure, ServerCall<ReqT, RespT> call, Metadata headers) {
                if (handlesException(failure)) {
                    StatusRuntimeException status = toStatus(failure);
                    call.close(status.getStatus(), status.getTrailers());
                } else {
                    super.handleException(failure, call, headers);
                }
            }
        };
    }

    @Override
    public StatusException transformToStatusException(Throwable failure) {
        StatusRuntimeException status = toStatus(failure);
        return new StatusException(status.getStatus(), status.getTrailers());
    }

    @Override
    public boolean handlesException(Throwable failure) {
        return failure instanceof AuthenticationException || failure instanceof SecurityException;
    }

    private static StatusRuntimeException toStatus(Throwable failure) {
        return GrpcErrors.toStatusException(GrpcErrors.classify(failure));
    }
}
