package io.robotid.kit.grpc;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.function.Function;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.robotid.kit.error.GrpcErrors;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;

/**
 * Streaming methods with flow control, in both directions. Quarkus's Mutiny bridge takes a client stream's messages
 * as fast as they arrive, whatever the method asks for (quarkusio/quarkus#9329), and sends a server stream's items as
 * fast as the method makes them, whatever the client reads: either way the difference waits in the server's heap
 * (a slow feed follower once left 99,000 entries queued in lifecycle-service's outbound buffers, and it ran out of
 * heap). A method bound here takes a client's messages only as its {@code Multi} asks for them (grpc-java's
 * {@code disableAutoRequest} / {@code request(n)}), and asks its own {@code Multi} for the next item only while the
 * call is ready to send ({@code isReady} / {@code setOnReadyHandler}), so the rest wait in HTTP/2 flow control and
 * in the peer. Failures become statuses through the error table ({@link GrpcErrors}), as for every method.
 */
public final class FlowControl {
    private static final Logger LOG = Logger.getLogger(FlowControl.class);

    private FlowControl() {
    }

    /**
     * {@code service} (as its generated {@code bindService} made it) with the client-streaming {@code method}
     * answered by {@code implementation} under flow control; the other methods as they were.
     */
    public static <I, O> ServerServiceDefinition clientStreaming(ServerServiceDefinition service,
            MethodDescriptor<I, O> method, Function<Multi<I>, Uni<O>> implementation) {
        return rebind(service, method, MethodDescriptor.MethodType.CLIENT_STREAMING,
                ServerCalls.asyncClientStreamingCall(response -> answer(response, implementation)));
    }

    /**
     * {@code service} with the server-streaming {@code method} answered by {@code implementation} under flow control:
     * its {@code Multi} is asked for an item only while the call can send one.
     */
    public static <I, O> ServerServiceDefinition serverStreaming(ServerServiceDefinition service,
            MethodDescriptor<I, O> method, Function<I, Multi<O>> implementation) {
        return rebind(service, method, MethodDescriptor.MethodType.SERVER_STREAMING,
                ServerCalls.asyncServerStreamingCall((request, response) -> stream(request, response, implementation)));
    }

    /**
     * {@code service} with the bidirectional {@code method} answered one response per request, in the order asked, under
     * flow control both ways: at most {@code inFlight} requests are taken from the connection and not yet answered
     * (they run at once, so answers that finish together can share work, as receipts share a signature), and an
     * answer is sent only while the call is ready; a client that stops reading stops being read. {@code opened} is
     * called once per call, when it opens, and gives (as a {@code Uni}, so that a method's role check need not block)
     * what answers that call's requests; no request is taken before it has, and its failure (a refused caller) ends
     * the call through the error table. An answer that fails ends the call with its status.
     */
    public static <I, O> ServerServiceDefinition bidiStreaming(ServerServiceDefinition service,
            MethodDescriptor<I, O> method, Supplier<Uni<Function<I, Uni<O>>>> opened, int inFlight) {
        if (inFlight < 1) {
            throw new IllegalArgumentException("inFlight must be at least 1, not " + inFlight);
        }
        return rebind(service, method, MethodDescriptor.MethodType.BIDI_STREAMING,
                ServerCalls.asyncBidiStreamingCall(response -> answered(response, opened, inFlight)));
    }

    private static <I, O> ServerServiceDefinition rebind(ServerServiceDefinition service, MethodDescriptor<I, O> method,
            MethodDescriptor.MethodType type, io.grpc.ServerCallHandler<I, O> handler) {
        if (method.getType() != type) {
            throw new IllegalArgumentException(method.getFullMethodName() + " is not a "
                    + type.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + " method");
        }
        ServerServiceDefinition.Builder rebound = ServerServiceDefinition.builder(service.getServiceDescriptor());
        boolean found = false;
        for (ServerMethodDefinition<?, ?> bound : service.getMethods()) {
            if (bound.getMethodDescriptor().getFullMethodName().equals(method.getFullMethodName())) {
                found = true;
            } else {
                rebound.addMethod(bound);
            }
        }
        if (!found) {
            throw new IllegalArgumentException(method.getFullMethodName() + " is not a method of "
                    + service.getServiceDescriptor().getName());
        }
        rebound.addMethod(method, handler);
        return rebound.build();
    }

    private static <I, O> void stream(I request, StreamObserver<O> response, Function<I, Multi<O>> implementation) {
        ServerCallStreamObserver<O> call = (ServerCallStreamObserver<O>) response;
        Multi<O> items;
        try {
            items = implementation.apply(request);
        } catch (RuntimeException failure) {
            fail(call, failure);
            return;
        }
        items.subscribe().withSubscriber(new SentWhenReady<>(call));
    }

    /**
     * Sends a method's items one at a time, asking for the next only while the call is ready: when it is not, the
     * next is asked for by the call's ready handler. {@code waiting} is set before readiness is checked again, and
     * whichever side clears it asks, so an item is neither asked for twice nor forgotten.
     */
    static final class SentWhenReady<O> implements Flow.Subscriber<O> {
        private final ServerCallStreamObserver<O> call;
        private final java.util.concurrent.atomic.AtomicBoolean waiting = new java.util.concurrent.atomic.AtomicBoolean();
        private volatile Flow.Subscription upstream;

        SentWhenReady(ServerCallStreamObserver<O> call) {
            this.call = call;
            // called while the method is invoked, before the call is frozen
            call.setOnReadyHandler(this::ready);
            call.setOnCancelHandler(() -> {
                Flow.Subscription subscription = upstream;
                if (subscription != null) {
                    subscription.cancel();
                }
            });
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            upstream = subscription;
            if (call.isCancelled()) {
                subscription.cancel();
                return;
            }
            askWhenReady();
        }

        @Override
        public void onNext(O item) {
            try {
                call.onNext(item);
            } catch (RuntimeException closed) {
                // cancelled meanwhile: the cancel handler stops the method
                return;
            }
            askWhenReady();
        }

        @Override
        public void onError(Throwable failure) {
            fail(call, failure);
        }

        @Override
        public void onComplete() {
            try {
                call.onCompleted();
            } catch (IllegalStateException closed) {
                // the client went away meanwhile: nothing left to tell
            }
        }

        private void askWhenReady() {
            waiting.set(true);
            if (call.isReady()) {
                ready();
            }
        }

        private void ready() {
            Flow.Subscription subscription = upstream;
            if (subscription != null && waiting.compareAndSet(true, false)) {
                subscription.request(1);
            }
        }
    }

    private static <I, O> StreamObserver<I> answered(StreamObserver<O> response,
            Supplier<Uni<Function<I, Uni<O>>>> opened, int inFlight) {
        ServerCallStreamObserver<O> call = (ServerCallStreamObserver<O>) response;
        call.disableAutoRequest();
        AnsweredInOrder<I, O> answers = new AnsweredInOrder<>(call);
        Uni<Function<I, Uni<O>>> answerer;
        try {
            answerer = opened.get();
        } catch (RuntimeException failure) {
            answerer = Uni.createFrom().failure(failure);
        }
        if (answerer == null) {
            answerer = Uni.createFrom().failure(new IllegalStateException("the method gave no answerer"));
        }
        answerer.subscribe().with(made -> {
            if (made == null) {
                answers.refused(new IllegalStateException("the method gave no answerer"));
            } else {
                answers.opened(made, inFlight);
            }
        }, answers::refused);
        return answers;
    }

    /**
     * One bidirectional call's requests, each answered as it arrives, the answers sent in the order asked. Requests
     * come from gRPC one at a time, only after the call is {@link #opened}; answers finish on any thread: everything
     * that touches the call happens under this object's lock, in {@link #drain}, which sends the answers at the head
     * that are done while the call is ready, and asks the transport for one more request per answer sent.
     */
    static final class AnsweredInOrder<I, O> implements StreamObserver<I> {
        /** A request's answer to come: its item, or its failure, once done. */
        private static final class Slot<O> {
            volatile boolean done;
            O answer;
            Throwable failure;
            volatile Cancellable running;
        }

        private final ServerCallStreamObserver<O> call;
        /** What answers the requests; set once, before the first request is asked for. */
        private volatile Function<I, Uni<O>> answerer;
        /** Requests taken and not yet answered, in the order asked; guarded by this. */
        private final ArrayDeque<Slot<O>> asked = new ArrayDeque<>();
        /** The client half-closed; guarded by this. */
        private boolean clientDone;
        /** The call is over (completed, failed or cancelled); guarded by this. */
        private boolean over;

        AnsweredInOrder(ServerCallStreamObserver<O> call) {
            this.call = call;
            // set while the method is invoked, before the call is frozen
            call.setOnReadyHandler(this::drain);
            call.setOnCancelHandler(this::cancelled);
        }

        /** The call opened: its answerer, and the first requests asked for. */
        synchronized void opened(Function<I, Uni<O>> made, int inFlight) {
            if (over) {
                return;
            }
            answerer = made;
            call.request(inFlight);
        }

        /** The call was refused when it opened: told through the error table, nothing taken. */
        synchronized void refused(Throwable failure) {
            if (over) {
                return;
            }
            over = true;
            fail(call, failure);
        }

        @Override
        public void onNext(I request) {
            Slot<O> slot = new Slot<>();
            synchronized (this) {
                if (over) {
                    return;
                }
                asked.add(slot);
            }
            Uni<O> answer;
            try {
                answer = answerer.apply(request);
            } catch (RuntimeException failure) {
                answer = Uni.createFrom().failure(failure);
            }
            slot.running = answer.subscribe().with(item -> {
                slot.answer = item;
                slot.done = true;
                drain();
            }, failure -> {
                slot.failure = failure;
                slot.done = true;
                drain();
            });
            boolean stop;
            synchronized (this) {
                stop = over; // the call ended while the answer was being started: it is not wanted
            }
            if (stop) {
                slot.running.cancel();
            }
        }

        @Override
        public void onError(Throwable failure) {
            cancelled();
        }

        @Override
        public void onCompleted() {
            synchronized (this) {
                clientDone = true;
            }
            drain();
        }

        private void cancelled() {
            List<Slot<O>> running;
            synchronized (this) {
                over = true;
                running = List.copyOf(asked);
                asked.clear();
            }
            running.forEach(AnsweredInOrder::cancel);
        }

        private static void cancel(Slot<?> slot) {
            Cancellable running = slot.running;
            if (running != null) {
                running.cancel();
            }
        }

        synchronized void drain() {
            if (over) {
                return;
            }
            try {
                while (!asked.isEmpty() && asked.peek().done && call.isReady()) {
                    Slot<O> slot = asked.poll();
                    if (slot.failure != null) {
                        end(slot.failure);
                        return;
                    }
                    call.onNext(slot.answer);
                    if (!clientDone) {
                        call.request(1);
                    }
                    if (over) {
                        return; // a nested drain (a request delivered at once) ended the call
                    }
                }
                if (asked.isEmpty() && clientDone) {
                    over = true;
                    call.onCompleted();
                }
            } catch (RuntimeException failure) {
                // cancelled meanwhile (the cancel handler stops what runs), or an answer that could not be sent
                end(failure);
            }
        }

        /** Ends the call with {@code failure}'s status and stops the answers still running; the caller holds the lock. */
        private void end(Throwable failure) {
            over = true;
            fail(call, failure);
            asked.forEach(AnsweredInOrder::cancel);
            asked.clear();
        }
    }

    private static <I, O> StreamObserver<I> answer(StreamObserver<O> response, Function<Multi<I>, Uni<O>> implementation) {
        ServerCallStreamObserver<O> call = (ServerCallStreamObserver<O>) response;
        call.disableAutoRequest();
        RequestedMessages<I> messages = new RequestedMessages<>(call);
        Uni<O> answer;
        try {
            answer = implementation.apply(Multi.createFrom().publisher(messages));
        } catch (RuntimeException failure) {
            fail(call, failure);
            return messages;
        }
        Cancellable running = answer.subscribe().with(item -> {
            try {
                call.onNext(item);
                call.onCompleted();
            } catch (IllegalStateException closed) {
                // the client went away meanwhile: nothing left to tell
            }
        }, failure -> fail(call, failure));
        // a client that cancels stops the work (the batches not yet begun are not recorded)
        call.setOnCancelHandler(running::cancel);
        return messages;
    }

    private static void fail(ServerCallStreamObserver<?> call, Throwable failure) {
        try {
            call.onError(GrpcErrors.toStatusException(failure));
        } catch (RuntimeException closed) {
            // best effort: the call is over either way
            LOG.debugf("client stream ended before its failure could be told: %s", failure);
        }
    }

    /**
     * The messages of one call as a publisher for one subscriber: each request of the subscriber is passed to
     * the transport, which delivers no more than was requested. gRPC's callbacks for one call never overlap;
     * the end of the stream may come before the subscriber does (an empty stream), so it is kept until then.
     */
    static final class RequestedMessages<I> implements StreamObserver<I>, Flow.Publisher<I> {
        private final ServerCallStreamObserver<?> call;
        private volatile Flow.Subscriber<? super I> subscriber;
        private volatile boolean cancelled;
        /** Whether the subscriber has its subscription (the end of the stream can be told); guarded by this. */
        private boolean subscribed;
        /** The stream's end, when it came before the subscriber was subscribed; guarded by this. */
        private boolean ended;
        private Throwable endedWith;

        RequestedMessages(ServerCallStreamObserver<?> call) {
            this.call = call;
        }

        @Override
        public void subscribe(Flow.Subscriber<? super I> downstream) {
            synchronized (this) {
                if (subscriber != null) {
                    downstream.onSubscribe(new NoMessages());
                    downstream.onError(new IllegalStateException("a client stream's messages can be read once"));
                    return;
                }
                subscriber = downstream;
            }
            downstream.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {
                    if (n <= 0) {
                        cancelled = true;
                        downstream.onError(new IllegalArgumentException("requested " + n + " messages: must be positive"));
                        return;
                    }
                    if (!cancelled) {
                        call.request((int) Math.min(n, Integer.MAX_VALUE));
                    }
                }

                @Override
                public void cancel() {
                    cancelled = true;
                }
            });
            boolean endedBefore;
            Throwable failure;
            synchronized (this) {
                subscribed = true;
                endedBefore = ended;
                failure = endedWith;
            }
            if (endedBefore) {
                end(downstream, failure);
            }
        }

        @Override
        public void onNext(I message) {
            if (!cancelled) {
                subscriber.onNext(message);
            }
        }

        @Override
        public void onError(Throwable failure) {
            ended(failure);
        }

        @Override
        public void onCompleted() {
            ended(null);
        }

        private void ended(Throwable failure) {
            Flow.Subscriber<? super I> downstream;
            synchronized (this) {
                downstream = subscriber;
                if (!subscribed) {
                    ended = true;
                    endedWith = failure;
                    return;
                }
            }
            end(downstream, failure);
        }

        private void end(Flow.Subscriber<? super I> downstream, Throwable failure) {
            if (cancelled) {
                return;
            }
            if (failure == null) {
                downstream.onComplete();
            } else {
                downstream.onError(failure);
            }
        }
    }

    private static final class NoMessages implements Flow.Subscription {
        @Override
        public void request(long n) {
        }

        @Override
        public void cancel() {
        }
    }
}
