package io.robotid.kit.grpc;

import io.grpc.Metadata;
import io.grpc.stub.AbstractStub;
import io.quarkus.grpc.GrpcClientUtils;

/**
 * Calls another robotid service on behalf of the caller: the caller's bearer token goes along,
 * so the other service applies its own rules to the same identity.
 */
public final class ForwardedToken {
    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization",
            Metadata.ASCII_STRING_MARSHALLER);

    private ForwardedToken() {
    }

    public static <S extends AbstractStub<S>> S attach(S stub, String bearerToken) {
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer " + bearerToken);
        return GrpcClientUtils.attachHeaders(stub, headers);
    }
}
