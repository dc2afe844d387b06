package io.robotid.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.ResourceInfo;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;

/** Reads what a refused call said: its code, its field violations, its ErrorInfo reason. */
public final class GrpcAssertions {
    private GrpcAssertions() {
    }

    public static StatusRuntimeException refused(Runnable call, Status.Code code) {
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, call::run);
        assertThat(e).as("the call should have been refused with " + code).isNotNull();
        assertThat(e.getStatus().getCode()).as(e.getStatus().toString()).isEqualTo(code);
        return e;
    }

    /** Refused with INVALID_ARGUMENT and a field violation naming {@code field}; returns its description. */
    public static String invalid(Runnable call, String field) {
        StatusRuntimeException e = refused(call, Status.Code.INVALID_ARGUMENT);
        List<BadRequest.FieldViolation> violations = details(e, BadRequest.class).getFieldViolationsList();
        assertThat(violations).as(e.getStatus().getDescription()).extracting(BadRequest.FieldViolation::getField)
                .contains(field);
        return violations.stream().filter(v -> v.getField().equals(field)).findFirst().orElseThrow().getDescription();
    }

    public static String reason(StatusRuntimeException e) {
        return details(e, ErrorInfo.class).getReason();
    }

    public static ErrorInfo errorInfo(StatusRuntimeException e) {
        return details(e, ErrorInfo.class);
    }

    public static ResourceInfo resourceInfo(StatusRuntimeException e) {
        return details(e, ResourceInfo.class);
    }

    public static <T extends com.google.protobuf.Message> T details(StatusRuntimeException e, Class<T> type) {
        com.google.rpc.Status status = StatusProto.fromThrowable(e);
        assertThat(status).as("google.rpc.Status details").isNotNull();
        for (Any any : status.getDetailsList()) {
            if (any.is(type)) {
                try {
                    return any.unpack(type);
                } catch (InvalidProtocolBufferException ex) {
                    throw new AssertionError(ex);
                }
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " in " + status);
    }
}
