package io.robotid.kit.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.google.rpc.ErrorInfo;

import io.grpc.Attributes;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.quarkus.security.AuthenticationFailedException;
import io.robotid.kit.error.DomainException;
import io.robotid.kit.error.ErrorKind;
import io.robotid.kit.error.GrpcErrors;

/** The one mapping every service's gRPC failures go through. */
class RegistryExceptionHandlerProviderTest {
    private final RegistryExceptionHandlerProvider provider = new RegistryExceptionHandlerProvider();

    private StatusRuntimeException transformed(Throwable failure) {
        Throwable out = provider.transform(failure);
        assertThat(out).isInstanceOf(StatusRuntimeException.class);
        return (StatusRuntimeException) out;
    }

    @ParameterizedTest
    @EnumSource(ErrorKind.class)
    void aDomainErrorWrappedAsATransactionWrapsItKeepsItsStatus(ErrorKind kind) {
        DomainException error = io.robotid.kit.error.ErrorSamples.sample(kind);
        StatusRuntimeException direct = transformed(error);
        StatusRuntimeException wrapped = transformed(new CompletionException(new RuntimeException("tx", error)));
        assertThat(direct.getStatus().getCode()).isEqualTo(kind.grpcCode());
        assertThat(wrapped.getStatus().getCode()).isEqualTo(kind.grpcCode());
        assertThat(StatusProto.fromThrowable(wrapped)).isEqualTo(StatusProto.fromThrowable(direct));
    }

    @Test
    void aStatusAlreadyMappedIsNotMappedAgain() {
        StatusRuntimeException once = GrpcErrors.toStatusException(DomainException.notFound("robot", "CN01"));
        assertThat(provider.transform(once)).isSameAs(once);
        assertThat(transformed(new CompletionException(once)).getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    }

    @Test
    void anotherServicesStatusIsADependencysFailure() throws Exception {
        StatusRuntimeException fromPeer = Status.UNAVAILABLE.withDescription("connection refused").asRuntimeException();
        StatusRuntimeException out = transformed(fromPeer);
        assertThat(out.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        ErrorInfo info = StatusProto.fromThrowable(out).getDetails(0).unpack(ErrorInfo.class);
        assertThat(info.getReason()).isEqualTo("DEPENDENCY_UNAVAILABLE");
        // a peer's refusal of another kind is not passed through as if it were ours
        assertThat(transformed(Status.PERMISSION_DENIED.asRuntimeException()).getStatus().getCode())
                .isEqualTo(Status.Code.INTERNAL);
    }

    @Test
    void securityAndUnexpectedFailures() {
        assertThat(transformed(new AuthenticationFailedException("bad token")).getStatus().getCode())
                .isEqualTo(Status.Code.UNAUTHENTICATED);
        StatusRuntimeException internal = transformed(new IllegalStateException("a bug"));
        assertThat(internal.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
        assertThat(internal.getStatus().getDescription()).doesNotContain("a bug");
    }

    @Test
    void aFailureInTheListenerClosesTheCallWithTheMappedStatus() {
        RecordingCall call = new RecordingCall();
        ServerCall.Listener<String> failing = new ServerCall.Listener<>() {
            @Override
            public void onMessage(String message) {
                throw DomainException.invalidArgument("robot_id", "is required");
            }
        };
        provider.createHandler(failing, call, new Metadata()).onMessage("x");
        assertThat(call.closed.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(call.trailers.keys()).contains("grpc-status-details-bin");
    }

    /** The smallest server call that records how it was closed. */
    private static final class RecordingCall extends ServerCall<String, String> {
        Status closed;
        Metadata trailers;

        @Override
        public void close(Status status, Metadata trailers) {
            this.closed = status;
            this.trailers = trailers;
        }

        @Override
        public void request(int numMessages) {
        }

        @Override
        public void sendHeaders(Metadata headers) {
        }

        @Override
        public void sendMessage(String message) {
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public Attributes getAttributes() {
            return Attributes.EMPTY;
        }

        @Override
        public MethodDescriptor<String, String> getMethodDescriptor() {
            return null;
        }
    }
}
