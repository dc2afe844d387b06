package io.robotid.kit.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.robotid.kit.error.DomainException;
import io.robotid.proto.lifecycle.v1.LifecycleServiceGrpc;
import io.robotid.proto.lifecycle.v1.ListAffectedRobotsRequest;
import io.robotid.proto.lifecycle.v1.ListAffectedRobotsResponse;
import io.robotid.proto.lifecycle.v1.MutinyLifecycleServiceGrpc;
import io.robotid.proto.lifecycle.v1.RecordEventRequest;
import io.robotid.proto.lifecycle.v1.RecordEventsRequest;
import io.robotid.proto.lifecycle.v1.RecordEventsResponse;
import io.robotid.testkit.PacedUpload;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * {@link FlowControl} over a real gRPC connection (Netty, on a free port). A client stream: a client that sends only
 * while the transport lets it ({@code isReady}), as grpc-java's clients and the registry's bench do; the server
 * takes a message only when the method asks for one, and the rest wait in the client. A server stream: a client that
 * reads only what it asked for; the method is asked for an item only while the call can send it.
 */
class FlowControlTest {
    /** About 2 KB each, so that a few thousand fill every HTTP/2 window (1 MiB by default) on the way. */
    private static final RecordEventsRequest MESSAGE = RecordEventsRequest.newBuilder()
            .setEvent(RecordEventRequest.newBuilder().setRequestId("r".repeat(2_000))).build();

    private Server server;
    private ManagedChannel channel;

    @AfterEach
    void stop() throws Exception {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (server != null) {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** A lifecycle service whose RecordEvents is {@code implementation} under flow control, on a free port. */
    private void serve(Function<Multi<RecordEventsRequest>, Uni<RecordEventsResponse>> implementation)
            throws Exception {
        ServerServiceDefinition service = new MutinyLifecycleServiceGrpc.LifecycleServiceImplBase() {
            @Override
            public ServerServiceDefinition bindService() {
                return FlowControl.clientStreaming(super.bindService(), LifecycleServiceGrpc.getRecordEventsMethod(),
                        implementation);
            }
        }.bindService();
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(service).build().start();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    }

    /** Counts the messages it is given, asking for {@code first} at the start and for the rest when released. */
    private static final class HeldReader implements Flow.Subscriber<RecordEventsRequest> {
        final AtomicInteger received = new AtomicInteger();
        final CountDownLatch release = new CountDownLatch(1);
        final CompletableFuture<RecordEventsResponse> done = new CompletableFuture<>();
        private final int first;

        HeldReader(int first) {
            this.first = first;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.request(first);
            Thread releaser = new Thread(() -> {
                try {
                    release.await();
                    subscription.request(Long.MAX_VALUE);
                } catch (InterruptedException stop) {
                    subscription.cancel();
                }
            });
            releaser.setDaemon(true);
            releaser.start();
        }

        @Override
        public void onNext(RecordEventsRequest item) {
            received.incrementAndGet();
        }

        @Override
        public void onError(Throwable failure) {
            done.completeExceptionally(failure);
        }

        @Override
        public void onComplete() {
            done.complete(RecordEventsResponse.newBuilder().setRecorded(received.get()).build());
        }
    }

    /** A client that sends {@code total} messages, each when the transport is ready for it. */
    private static PacedUpload<RecordEventsRequest, RecordEventsResponse> paced(int total) {
        return new PacedUpload<>(total, i -> MESSAGE);
    }

    private static int settled(AtomicInteger counter) throws InterruptedException {
        int last = -1;
        while (counter.get() != last) {
            last = counter.get();
            Thread.sleep(300);
        }
        return last;
    }

    @Test
    void messagesAreTakenOnlyAsTheMethodAsks() throws Exception {
        HeldReader reader = new HeldReader(10);
        serve(messages -> {
            messages.subscribe().withSubscriber(reader);
            return Uni.createFrom().completionStage(reader.done);
        });
        int total = 20_000; // 40 MB: far more than every window on the way
        var client = paced(total);
        LifecycleServiceGrpc.newStub(channel).recordEvents(client);

        int sentWhileHeld = client.settled(300);
        assertThat(reader.received.get()).as("messages the method was given before asking for more").isEqualTo(10);
        assertThat(sentWhileHeld).as("messages the client could send while the method held").isLessThan(total / 4);

        reader.release.countDown();
        RecordEventsResponse answer = client.await(60, TimeUnit.SECONDS);
        assertThat(answer.getRecorded()).isEqualTo(total);
        assertThat(client.sent()).isEqualTo(total);
    }

    @Test
    void withoutFlowControlTheServerTakesEverything() throws Exception {
        // the same client against Quarkus's own binding: the contrast the test above depends on
        HeldReader reader = new HeldReader(10);
        AtomicInteger arrived = new AtomicInteger();
        ServerServiceDefinition service = new MutinyLifecycleServiceGrpc.LifecycleServiceImplBase() {
            @Override
            public Uni<RecordEventsResponse> recordEvents(Multi<RecordEventsRequest> messages) {
                messages.onItem().invoke(ignored -> arrived.incrementAndGet()).subscribe().withSubscriber(reader);
                return Uni.createFrom().completionStage(reader.done);
            }
        }.bindService();
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(service).build().start();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
        int total = 20_000;
        var client = paced(total);
        LifecycleServiceGrpc.newStub(channel).recordEvents(client);

        assertThat(client.settled(300)).as("sent while the method held").isEqualTo(total);
        assertThat(reader.received.get()).isEqualTo(10);
        reader.release.countDown();
        assertThat(client.await(60, TimeUnit.SECONDS).getRecorded()).isEqualTo(total);
    }

    @Test
    void anEmptyStreamIsAnsweredAtOnce() throws Exception {
        serve(messages -> messages.collect().with(java.util.stream.Collectors.counting())
                .map(n -> RecordEventsResponse.newBuilder().setRecorded(n.intValue()).build()));
        var client = paced(0);
        LifecycleServiceGrpc.newStub(channel).recordEvents(client);
        client.call().onCompleted();
        assertThat(client.await(10, TimeUnit.SECONDS).getRecorded()).isZero();
    }

    @Test
    void aFailureIsToldThroughTheErrorTable() throws Exception {
        serve(messages -> messages.select().first(3).collect().asList().onItem()
                .transformToUni(read -> Uni.createFrom().<RecordEventsResponse>failure(
                        DomainException.invalidArgument("request_id", "must be at most 200 characters"))));
        var client = paced(100);
        LifecycleServiceGrpc.newStub(channel).recordEvents(client);
        assertThatThrownBy(() -> client.await(10, TimeUnit.SECONDS)).cause()
                .isInstanceOfSatisfying(StatusRuntimeException.class, refused -> {
                    assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(refused.getStatus().getDescription()).contains("request_id")
                            .contains("must be at most 200 characters");
                });
    }

    @Test
    void aMethodThatThrowsAtOnceIsToldThroughTheErrorTable() throws Exception {
        // as a security check refusing the call before the method runs does
        serve(messages -> {
            throw DomainException.unauthenticated("no token");
        });
        var client = paced(5);
        LifecycleServiceGrpc.newStub(channel).recordEvents(client);
        assertThatThrownBy(() -> client.await(10, TimeUnit.SECONDS)).cause()
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        refused -> assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
    }

    @Test
    void aClientThatCancelsStopsTheWork() throws Exception {
        CompletableFuture<Throwable> seen = new CompletableFuture<>();
        CompletableFuture<Boolean> workCancelled = new CompletableFuture<>();
        serve(messages -> messages.onFailure().invoke(seen::complete).collect().asList()
                .onCancellation().invoke(() -> workCancelled.complete(true))
                .map(all -> RecordEventsResponse.newBuilder().setRecorded(all.size()).build()));
        var client = paced(Integer.MAX_VALUE);
        LifecycleServiceGrpc.newStub(channel).recordEvents(client);
        while (client.sent() < 100) {
            Thread.sleep(10);
        }
        client.call().cancel("the client gives up", null);
        assertThat(workCancelled.get(10, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(() -> client.await(10, TimeUnit.SECONDS)).cause()
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        cancelled -> assertThat(cancelled.getStatus().getCode()).isEqualTo(Status.Code.CANCELLED));
    }

    @Test
    void onlyAStreamingMethodOfTheServiceCanBeBound() {
        ServerServiceDefinition lifecycle = new MutinyLifecycleServiceGrpc.LifecycleServiceImplBase() {
        }.bindService();
        assertThatThrownBy(() -> FlowControl.clientStreaming(lifecycle, LifecycleServiceGrpc.getRecordEventMethod(),
                messages -> Uni.createFrom().nullItem())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("RecordEvent is not a client-streaming method");
        assertThatThrownBy(() -> FlowControl.serverStreaming(lifecycle, LifecycleServiceGrpc.getRecordEventMethod(),
                request -> Multi.createFrom().empty())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("RecordEvent is not a server-streaming method");
        assertThatThrownBy(() -> FlowControl.clientStreaming(
                new io.robotid.proto.identity.v1.MutinyIdentityServiceGrpc.IdentityServiceImplBase() {
                }.bindService(), LifecycleServiceGrpc.getRecordEventsMethod(), messages -> Uni.createFrom().nullItem()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("RecordEvents is not a method of robotid.identity.v1.IdentityService");
    }

    // ---- server streams

    /** About 2 KB each, as {@link #MESSAGE}. */
    private static final ListAffectedRobotsResponse ITEM = ListAffectedRobotsResponse.newBuilder()
            .setRobotId("r".repeat(2_000)).build();

    /** {@code total} items, each made when asked for; counts how many were made. */
    private static Multi<ListAffectedRobotsResponse> items(int total, AtomicInteger made) {
        return Multi.createFrom().generator(() -> 0, (n, emitter) -> {
            if (n == total) {
                emitter.complete();
            } else {
                made.incrementAndGet();
                emitter.emit(ITEM);
            }
            return n + 1;
        });
    }

    /** A lifecycle service whose ListAffectedRobots is {@code implementation}, bound as {@code bind} says. */
    private void serveStream(Function<ListAffectedRobotsRequest, Multi<ListAffectedRobotsResponse>> implementation,
            boolean flowControl) throws Exception {
        ServerServiceDefinition service = new MutinyLifecycleServiceGrpc.LifecycleServiceImplBase() {
            @Override
            public Multi<ListAffectedRobotsResponse> listAffectedRobots(ListAffectedRobotsRequest request) {
                return implementation.apply(request);
            }

            @Override
            public ServerServiceDefinition bindService() {
                return flowControl ? FlowControl.serverStreaming(super.bindService(),
                        LifecycleServiceGrpc.getListAffectedRobotsMethod(), this::listAffectedRobots) : super.bindService();
            }
        }.bindService();
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(service).build().start();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    }

    /** A client that reads {@code first} items, then the rest when released. */
    private static final class HeldClient implements ClientResponseObserver<ListAffectedRobotsRequest, ListAffectedRobotsResponse> {
        final AtomicInteger read = new AtomicInteger();
        final CompletableFuture<Integer> done = new CompletableFuture<>();
        final AtomicReference<ClientCallStreamObserver<ListAffectedRobotsRequest>> call = new AtomicReference<>();
        private final int first;

        HeldClient(int first) {
            this.first = first;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<ListAffectedRobotsRequest> stream) {
            call.set(stream);
            stream.disableAutoRequestWithInitial(first);
        }

        void release() {
            call.get().request(Integer.MAX_VALUE);
        }

        @Override
        public void onNext(ListAffectedRobotsResponse value) {
            read.incrementAndGet();
        }

        @Override
        public void onError(Throwable failure) {
            done.completeExceptionally(failure);
        }

        @Override
        public void onCompleted() {
            done.complete(read.get());
        }
    }

    @Test
    void itemsAreMadeOnlyAsTheClientReadsThem() throws Exception {
        AtomicInteger made = new AtomicInteger();
        int total = 20_000; // 40 MB
        serveStream(request -> items(total, made), true);
        HeldClient client = new HeldClient(10);
        LifecycleServiceGrpc.newStub(channel).listAffectedRobots(ListAffectedRobotsRequest.getDefaultInstance(), client);

        int madeWhileHeld = settled(made);
        assertThat(client.read.get()).isEqualTo(10);
        assertThat(madeWhileHeld).as("items made while the client read 10").isLessThan(total / 4);

        client.release();
        assertThat(client.done.get(60, TimeUnit.SECONDS)).isEqualTo(total);
        assertThat(made.get()).isEqualTo(total);
    }

    @Test
    void withoutFlowControlEveryItemIsMadeAndQueued() throws Exception {
        // Quarkus's own binding, the contrast the test above depends on
        AtomicInteger made = new AtomicInteger();
        int total = 20_000;
        serveStream(request -> items(total, made), false);
        HeldClient client = new HeldClient(10);
        LifecycleServiceGrpc.newStub(channel).listAffectedRobots(ListAffectedRobotsRequest.getDefaultInstance(), client);

        assertThat(settled(made)).as("items made while the client read 10").isEqualTo(total);
        client.release();
        assertThat(client.done.get(60, TimeUnit.SECONDS)).isEqualTo(total);
    }

    @Test
    void aServerStreamFailureIsToldThroughTheErrorTable() throws Exception {
        serveStream(request -> Multi.createBy().concatenating().streams(Multi.createFrom().items(ITEM, ITEM),
                Multi.createFrom().failure(DomainException.notFound("recall_campaign", "RC-1"))), true);
        HeldClient client = new HeldClient(100);
        LifecycleServiceGrpc.newStub(channel).listAffectedRobots(ListAffectedRobotsRequest.getDefaultInstance(), client);
        assertThatThrownBy(() -> client.done.get(10, TimeUnit.SECONDS)).cause()
                .isInstanceOfSatisfying(StatusRuntimeException.class, refused -> {
                    assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
                    assertThat(refused.getStatus().getDescription()).contains("RC-1");
                });
        assertThat(client.read.get()).isEqualTo(2);
    }

    @Test
    void aServerStreamMethodThatThrowsAtOnceIsToldThroughTheErrorTable() throws Exception {
        serveStream(request -> {
            throw DomainException.unauthenticated("no token");
        }, true);
        HeldClient client = new HeldClient(10);
        LifecycleServiceGrpc.newStub(channel).listAffectedRobots(ListAffectedRobotsRequest.getDefaultInstance(), client);
        assertThatThrownBy(() -> client.done.get(10, TimeUnit.SECONDS)).cause()
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        refused -> assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
        assertThat(client.read.get()).isZero();
    }

    @Test
    void aClientThatCancelsAServerStreamStopsTheMethod() throws Exception {
        CompletableFuture<Boolean> stopped = new CompletableFuture<>();
        AtomicInteger made = new AtomicInteger();
        serveStream(request -> items(Integer.MAX_VALUE, made).onCancellation().invoke(() -> stopped.complete(true)), true);
        HeldClient client = new HeldClient(Integer.MAX_VALUE);
        LifecycleServiceGrpc.newStub(channel).listAffectedRobots(ListAffectedRobotsRequest.getDefaultInstance(), client);
        while (client.read.get() < 100) {
            Thread.sleep(10);
        }
        client.call.get().cancel("the follower stops", null);
        assertThat(stopped.get(10, TimeUnit.SECONDS)).isTrue();
    }
}
