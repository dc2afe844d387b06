package io.robotid.system.support;

import io.grpc.Channel;
import io.grpc.Metadata;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;

/**
 * Where a running registry is, as a client sees it: a gRPC channel to each service, its HTTP base
 * URL, and access tokens from its OIDC provider. The system tests' {@code Registry} (processes it
 * started itself) and the demo's local run ({@code bin/robotid up}) both are one.
 */
public interface Endpoints {
    Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    /** A channel to a service (plaintext gRPC on its HTTP port), e.g. {@code "filing-service"}. */
    Channel channel(String service);

    /** {@code http://host:port} of a service (no trailing slash). */
    String baseUrl(String service);

    /**
     * An access token by the client-credentials grant: the client id is the role, and at most one
     * organisation claim (e.g. {@code manufacturer_code}) is asked for.
     */
    String token(String role, String claim, String value);

    default String token(String role) {
        return token(role, null, null);
    }

    /** A stub that sends {@code token} as its bearer token. */
    static <S extends AbstractStub<S>> S as(S stub, String token) {
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer " + token);
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }
}
