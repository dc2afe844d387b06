package io.robotid.kit.grpc;

import java.util.concurrent.Flow;
import java.util.function.Function;

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
 * Client-streaming methods with flow control. Quarkus's Mutiny bridge takes a client stream's messages as fast as
 * they arrive, whatever the method asks for (quarkusio/quarkus#9329): a fast client's stream waits in the server's
 * heap. A method bound here gets its messages from the transport only as its {@code Multi} asks for them (grpc-java's
 * manual flow control, {@code disableAutoRequest} / {@code request(n)}), so the rest wait in the client's HTTP/2
 * flow-control window. Failures become statuses through the error table ({@link GrpcErrors}), as for every method.
 */
public final class ClientStreams {
    private static final Logger LOG = Logger.getLogger(ClientStreams.class);

    private ClientStreams() {
    }

    /**
     * {@code service} (as its generated {@code bindService} made it) with {@code method} answered by
     * {@code implementation} under flow control; the other methods as they were.
     */
    public static <I, O> ServerServiceDefinition withFlowControl(ServerServiceDefinition service,
            MethodDescriptor<I, O> method, Function<Multi<I>, Uni<O>> implementation) {
        if (method.getType() != MethodDescriptor.MethodType.CLIENT_STREAMING) {
            throw new IllegalArgumentException(method.getFullMethodName() + " is not a client-streaming method");
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
        rebound.addMethod(method, ServerCalls.asyncClientStreamingCall(response -> answer(response, implementation)));
        return rebound.build();
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
        } catch (IllegalStateException closed) {
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
