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
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

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
import io.robotid.proto.geofence.v1.GeofenceServiceGrpc;
import io.robotid.proto.geofence.v1.MutinyGeofenceServiceGrpc;
import io.robotid.proto.geofence.v1.StreamChecksRequest;
import io.robotid.proto.geofence.v1.StreamChecksResponse;
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
@Timeout(value = 2, unit = TimeUnit.MINUTES)
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

    // ---- bidirectional streams: one answer per request, in order

    /** About 2 KB each, as {@link #MESSAGE}; the correlation id is the request's number. */
    private static StreamChecksRequest check(int n) {
        return StreamChecksRequest.newBuilder().setCorrelationId(n + ":" + "c".repeat(2_000)).build();
    }

    private static int number(String correlationId) {
        return Integer.parseInt(correlationId.substring(0, correlationId.indexOf(':')));
    }

    /** What answers a stream's checks, given when it opens (as a method whose role check passed gives it). */
    private static Supplier<Uni<Function<StreamChecksRequest, Uni<StreamChecksResponse>>>> answering(
            Function<StreamChecksRequest, Uni<StreamChecksResponse>> answer) {
        return () -> Uni.createFrom().item(answer);
    }

    /** A geofence service whose StreamChecks answers with what {@code opened} gives, under flow control or not. */
    private void serveChecks(Supplier<Uni<Function<StreamChecksRequest, Uni<StreamChecksResponse>>>> opened,
            int inFlight, boolean flowControl) throws Exception {
        ServerServiceDefinition service = new MutinyGeofenceServiceGrpc.GeofenceServiceImplBase() {
            @Override
            public Multi<StreamChecksResponse> streamChecks(Multi<StreamChecksRequest> requests) {
                return opened.get().onItem().transformToMulti(answer -> requests.onItem()
                        .transformToUniAndConcatenate(answer::apply));
            }

            @Override
            public ServerServiceDefinition bindService() {
                return flowControl ? FlowControl.bidiStreaming(super.bindService(), GeofenceServiceGrpc.getStreamChecksMethod(),
                        opened, inFlight) : super.bindService();
            }
        }.bindService();
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(service).build().start();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    }

    /**
     * A robot that sends {@code total} checks, each when the transport is ready for it, and reads {@code first} answers,
     * then the rest when released; keeps the answers' numbers in the order they came.
     */
    private static final class CheckingRobot implements ClientResponseObserver<StreamChecksRequest, StreamChecksResponse> {
        final AtomicInteger sent = new AtomicInteger();
        final java.util.List<Integer> answered = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        final CompletableFuture<Integer> done = new CompletableFuture<>();
        final AtomicReference<ClientCallStreamObserver<StreamChecksRequest>> call = new AtomicReference<>();
        private final int total;
        private final int first;

        CheckingRobot(int total, int first) {
            this.total = total;
            this.first = first;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<StreamChecksRequest> stream) {
            call.set(stream);
            stream.disableAutoRequestWithInitial(first);
            stream.setOnReadyHandler(() -> {
                while (stream.isReady() && sent.get() < total) {
                    stream.onNext(check(sent.get()));
                    if (sent.incrementAndGet() == total) {
                        stream.onCompleted();
                    }
                }
            });
        }

        void release() {
            call.get().request(Integer.MAX_VALUE);
        }

        @Override
        public void onNext(StreamChecksResponse value) {
            answered.add(number(value.getCorrelationId()));
        }

        @Override
        public void onError(Throwable failure) {
            done.completeExceptionally(failure);
        }

        @Override
        public void onCompleted() {
            done.complete(answered.size());
        }
    }

    /** Answers at once, counting the checks it started. */
    private static Supplier<Uni<Function<StreamChecksRequest, Uni<StreamChecksResponse>>>> answeringAtOnce(
            AtomicInteger started) {
        return answering(request -> {
            started.incrementAndGet();
            return Uni.createFrom().item(StreamChecksResponse.newBuilder().setCorrelationId(request.getCorrelationId()).build());
        });
    }

    /** Waits (up to 20 s) until {@code counter} is {@code expected}, then checks it stays there. */
    private static void reachesAndStays(AtomicInteger counter, int expected, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (counter.get() < expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(settled(counter)).as(what).isEqualTo(expected);
    }

    @Test
    void atMostInFlightChecksAreTakenAndTheirAnswersComeInTheOrderAsked() throws Exception {
        // answers held until released, and finished in reverse order: they still go out in the order asked
        AtomicInteger started = new AtomicInteger();
        java.util.List<CompletableFuture<StreamChecksResponse>> held = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        serveChecks(answering(request -> {
            started.incrementAndGet();
            CompletableFuture<StreamChecksResponse> answer = new CompletableFuture<>();
            held.add(answer);
            return Uni.createFrom().completionStage(answer)
                    .map(ignored -> StreamChecksResponse.newBuilder().setCorrelationId(request.getCorrelationId()).build());
        }), 16, true);
        CheckingRobot robot = new CheckingRobot(2_000, Integer.MAX_VALUE);
        GeofenceServiceGrpc.newStub(channel).streamChecks(robot);

        reachesAndStays(started, 16, "checks taken while none was answered");
        for (int answered = 0; answered < 2_000;) {
            java.util.List<CompletableFuture<StreamChecksResponse>> now;
            synchronized (held) {
                now = new java.util.ArrayList<>(held.subList(answered, held.size()));
            }
            if (now.isEmpty()) {
                Thread.sleep(1);
                continue;
            }
            java.util.Collections.reverse(now);
            now.forEach(answer -> answer.complete(StreamChecksResponse.getDefaultInstance()));
            answered += now.size();
        }
        assertThat(robot.done.get(60, TimeUnit.SECONDS)).isEqualTo(2_000);
        assertThat(robot.answered).containsExactlyElementsOf(java.util.stream.IntStream.range(0, 2_000).boxed().toList());
        assertThat(started.get()).isEqualTo(2_000);
    }

    @Test
    void aRobotThatDoesNotReadItsAnswersStopsBeingRead() throws Exception {
        AtomicInteger started = new AtomicInteger();
        int total = 20_000; // 40 MB each way
        serveChecks(answeringAtOnce(started), 64, true);
        CheckingRobot robot = new CheckingRobot(total, 10);
        GeofenceServiceGrpc.newStub(channel).streamChecks(robot);

        int startedWhileHeld = settled(started);
        assertThat(robot.answered).hasSize(10);
        assertThat(startedWhileHeld).as("checks taken while the robot read 10 answers").isLessThan(total / 4);
        assertThat(robot.sent.get()).as("checks the robot could send meanwhile").isLessThan(total / 2);

        robot.release();
        assertThat(robot.done.get(60, TimeUnit.SECONDS)).isEqualTo(total);
        assertThat(robot.answered).containsExactlyElementsOf(java.util.stream.IntStream.range(0, total).boxed().toList());
    }

    @Test
    void withoutFlowControlEveryCheckIsTakenAndItsAnswerQueued() throws Exception {
        // Quarkus's own binding, the contrast the test above depends on
        AtomicInteger started = new AtomicInteger();
        int total = 20_000;
        serveChecks(answeringAtOnce(started), 64, false);
        CheckingRobot robot = new CheckingRobot(total, 10);
        GeofenceServiceGrpc.newStub(channel).streamChecks(robot);

        reachesAndStays(started, total, "checks taken while the robot read 10 answers");
        robot.release();
        assertThat(robot.done.get(60, TimeUnit.SECONDS)).isEqualTo(total);
    }

    @Test
    void anAnswerThatFailsEndsTheStreamThroughTheErrorTable() throws Exception {
        serveChecks(answering(request -> number(request.getCorrelationId()) == 5
                ? Uni.createFrom().failure(DomainException.unavailable("SIGNER_UNAVAILABLE", "no signer"))
                : Uni.createFrom().item(StreamChecksResponse.newBuilder().setCorrelationId(request.getCorrelationId()).build())),
                4, true);
        CheckingRobot robot = new CheckingRobot(100, Integer.MAX_VALUE);
        GeofenceServiceGrpc.newStub(channel).streamChecks(robot);
        assertThatThrownBy(() -> robot.done.get(10, TimeUnit.SECONDS)).cause()
                .isInstanceOfSatisfying(StatusRuntimeException.class, refused -> {
                    assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
                    assertThat(refused.getStatus().getDescription()).contains("no signer");
                });
        assertThat(robot.answered).containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    void aStreamRefusedWhenItOpensIsToldThroughTheErrorTableAndNothingIsTaken() throws Exception {
        // as the method's role check refusing the caller does: a failed Uni, a method that throws, or no answerer
        Supplier<Uni<Function<StreamChecksRequest, Uni<StreamChecksResponse>>>> failedUni = () -> Uni.createFrom()
                .failure(DomainException.unauthenticated("no token"));
        Supplier<Uni<Function<StreamChecksRequest, Uni<StreamChecksResponse>>>> throwing = () -> {
            throw DomainException.permissionDenied("ROLE_NOT_ALLOWED", "not a robot");
        };
        Supplier<Uni<Function<StreamChecksRequest, Uni<StreamChecksResponse>>>> noAnswerer = () -> Uni.createFrom().nullItem();
        for (var refusing : List.of(java.util.Map.entry(failedUni, Status.Code.UNAUTHENTICATED),
                java.util.Map.entry(throwing, Status.Code.PERMISSION_DENIED), java.util.Map.entry(noAnswerer, Status.Code.INTERNAL))) {
            stop();
            serveChecks(refusing.getKey(), 4, true);
            CheckingRobot robot = new CheckingRobot(10, Integer.MAX_VALUE);
            GeofenceServiceGrpc.newStub(channel).streamChecks(robot);
            assertThatThrownBy(() -> robot.done.get(10, TimeUnit.SECONDS)).cause()
                    .isInstanceOfSatisfying(StatusRuntimeException.class,
                            refused -> assertThat(refused.getStatus().getCode()).isEqualTo(refusing.getValue()));
            assertThat(robot.answered).isEmpty();
        }
    }

    @Test
    void noCheckIsTakenBeforeTheStreamIsOpened() throws Exception {
        // the role check still running (an identity being resolved): the robot's checks wait, then all are answered
        CompletableFuture<Function<StreamChecksRequest, Uni<StreamChecksResponse>>> opening = new CompletableFuture<>();
        AtomicInteger started = new AtomicInteger();
        serveChecks(() -> Uni.createFrom().completionStage(opening), 8, true);
        CheckingRobot robot = new CheckingRobot(1_000, Integer.MAX_VALUE);
        GeofenceServiceGrpc.newStub(channel).streamChecks(robot);
        Thread.sleep(500);
        assertThat(robot.sent.get()).as("checks sent before the stream was opened").isPositive();
        assertThat(started.get()).isZero();

        opening.complete(request -> {
            started.incrementAndGet();
            return Uni.createFrom().item(StreamChecksResponse.newBuilder().setCorrelationId(request.getCorrelationId()).build());
        });
        assertThat(robot.done.get(60, TimeUnit.SECONDS)).isEqualTo(1_000);
        assertThat(robot.answered).containsExactlyElementsOf(java.util.stream.IntStream.range(0, 1_000).boxed().toList());
    }

    @Test
    void anEmptyStreamEndsAtOnce() throws Exception {
        serveChecks(answeringAtOnce(new AtomicInteger()), 4, true);
        CheckingRobot robot = new CheckingRobot(0, Integer.MAX_VALUE);
        GeofenceServiceGrpc.newStub(channel).streamChecks(robot);
        robot.call.get().onCompleted();
        assertThat(robot.done.get(10, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void aRobotThatCancelsStopsTheChecksRunning() throws Exception {
        CompletableFuture<Boolean> stopped = new CompletableFuture<>();
        AtomicInteger started = new AtomicInteger();
        serveChecks(answering(request -> {
            started.incrementAndGet();
            return Uni.createFrom().<StreamChecksResponse>nothing().onCancellation().invoke(() -> stopped.complete(true));
        }), 4, true);
        CheckingRobot robot = new CheckingRobot(Integer.MAX_VALUE, Integer.MAX_VALUE);
        GeofenceServiceGrpc.newStub(channel).streamChecks(robot);
        while (started.get() < 4) {
            Thread.sleep(10);
        }
        robot.call.get().cancel("the robot stops", null);
        assertThat(stopped.get(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void theNumberInFlightMustBePositive() {
        ServerServiceDefinition geofence = new MutinyGeofenceServiceGrpc.GeofenceServiceImplBase() {
        }.bindService();
        assertThatThrownBy(() -> FlowControl.bidiStreaming(geofence, GeofenceServiceGrpc.getStreamChecksMethod(),
                answering(request -> Uni.createFrom().nullItem()), 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("inFlight must be at least 1");
        assertThatThrownBy(() -> FlowControl.bidiStreaming(geofence, GeofenceServiceGrpc.getCheckPermissionMethod(),
                () -> Uni.createFrom().item(request -> Uni.createFrom().nullItem()), 4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("CheckPermission is not a bidi-streaming method");
    }
}
