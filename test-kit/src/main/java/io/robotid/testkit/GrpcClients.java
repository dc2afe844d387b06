package io.robotid.testkit;

import java.util.concurrent.TimeUnit;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;

/**
 * grpc-java clients over the network, as the registry's users call it: a plaintext channel to a local port,
 * and stubs that carry a bearer token and a deadline.
 */
public final class GrpcClients {
    /** The deadline of a unary call in tests: long enough for a loaded CI machine, short enough to fail. */
    public static final long DEADLINE_SECONDS = 30;

    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization",
            Metadata.ASCII_STRING_MARSHALLER);

    private GrpcClients() {
    }

    /** A plaintext channel to {@code 127.0.0.1:port}, accepting answers up to 64 MiB (issuance streams). */
    public static ManagedChannel local(int port) {
        return ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().maxInboundMessageSize(64 * 1024 * 1024)
                .build();
    }

    /** The {@code authorization: Bearer <token>} header. */
    public static Metadata bearer(String token) {
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer " + token);
        return headers;
    }

    /** The stub sending {@code token} on every call; unchanged (anonymous) when {@code token} is null. */
    public static <S extends AbstractStub<S>> S withToken(S stub, String token) {
        return token == null ? stub : stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(token)));
    }

    /** The stub with the test deadline and {@code token} (none when null): for unary and server-streaming calls. */
    public static <S extends AbstractStub<S>> S as(S stub, String token) {
        return withToken(stub.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS), token);
    }

    /** Shuts the channels down, waiting a little for each. */
    public static void close(ManagedChannel... channels) throws InterruptedException {
        for (ManagedChannel channel : channels) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
