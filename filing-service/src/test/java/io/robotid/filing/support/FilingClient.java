package io.robotid.filing.support;

import java.util.concurrent.TimeUnit;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.MetadataUtils;
import io.robotid.proto.filing.v1.FilingServiceGrpc;

/**
 * A plain grpc-java client over the network to the running service, as an ERP system would call
 * it: each stub carries one bearer token.
 */
public final class FilingClient implements AutoCloseable {
    public static final int PORT = 18102;
    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization",
            Metadata.ASCII_STRING_MARSHALLER);

    private final ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", PORT).usePlaintext().build();

    public FilingServiceGrpc.FilingServiceBlockingStub as(String token) {
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer " + token);
        return anonymous().withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    public FilingServiceGrpc.FilingServiceBlockingStub anonymous() {
        return FilingServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    public ManagedChannel channel() {
        return channel;
    }

    /** The google.rpc.Status a call failed with. */
    public static com.google.rpc.Status details(StatusRuntimeException e) {
        return StatusProto.fromThrowable(e);
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
