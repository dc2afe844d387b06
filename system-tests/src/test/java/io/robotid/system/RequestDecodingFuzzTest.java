package io.robotid.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.MessageLite;

import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * Fuzzes the decoding of every request message type of every service, through the same marshaller a
 * server uses (from the service descriptors the authorization matrix checks against each running
 * server's reflection, so a new RPC is fuzzed too). Any bytes decode to a message that encodes back
 * to the same message, or are refused as gRPC does (INTERNAL, "Invalid protobuf byte sequence"):
 * nothing else escapes. A plain test run replays {@code RequestDecodingFuzzTestInputs/}; see docs/testing.md, "Fuzzing".
 */
class RequestDecodingFuzzTest {
    private static final List<MethodDescriptor<?, ?>> METHODS = new ArrayList<>();
    static {
        for (List<ServiceDescriptor> services : AuthorizationMatrixSystemIT.DESCRIPTORS.values()) {
            for (ServiceDescriptor service : services) {
                METHODS.addAll(service.getMethods());
            }
        }
    }

    @FuzzTest(maxDuration = "5m")
    void everyRequestTypeDecodesOrIsRefusedAsGrpcDoes(FuzzedDataProvider data) {
        MethodDescriptor<?, ?> method = METHODS.get(data.consumeInt(0, METHODS.size() - 1));
        byte[] bytes = data.consumeRemainingAsBytes();
        Object request;
        try {
            request = method.getRequestMarshaller().parse(new ByteArrayInputStream(bytes));
        } catch (StatusRuntimeException refused) {
            assertThat(refused.getStatus().getCode()).as(method.getFullMethodName()).isEqualTo(Status.Code.INTERNAL);
            return;
        }
        MessageLite message = (MessageLite) request;
        Object again = method.getRequestMarshaller().parse(new ByteArrayInputStream(message.toByteArray()));
        assertThat(again).as(method.getFullMethodName()).isEqualTo(request);
    }
}
