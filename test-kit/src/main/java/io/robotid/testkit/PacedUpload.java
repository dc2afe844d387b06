package io.robotid.testkit;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;

import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;

/**
 * A client stream that sends {@code total} messages, each when the transport is ready for it ({@code isReady}), as a
 * well-behaved gRPC client does; counts what it sent, and keeps the one answer. For tests of server flow control.
 */
public final class PacedUpload<Q, A> implements ClientResponseObserver<Q, A> {
    private final int total;
    private final IntFunction<Q> message;
    private final AtomicInteger sent = new AtomicInteger();
    private final CompletableFuture<A> answer = new CompletableFuture<>();
    private final AtomicReference<ClientCallStreamObserver<Q>> call = new AtomicReference<>();

    public PacedUpload(int total, IntFunction<Q> message) {
        this.total = total;
        this.message = message;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<Q> stream) {
        call.set(stream);
        stream.setOnReadyHandler(() -> {
            while (stream.isReady() && sent.get() < total) {
                stream.onNext(message.apply(sent.get()));
                if (sent.incrementAndGet() == total) {
                    stream.onCompleted();
                }
            }
        });
    }

    @Override
    public void onNext(A value) {
        answer.complete(value);
    }

    @Override
    public void onError(Throwable failure) {
        answer.completeExceptionally(failure);
    }

    @Override
    public void onCompleted() {
        // the answer came with onNext
    }

    /** Messages sent so far. */
    public int sent() {
        return sent.get();
    }

    /** The messages sent once no more went out for {@code quietMillis}. */
    public int settled(long quietMillis) throws InterruptedException {
        int last = -1;
        while (sent.get() != last) {
            last = sent.get();
            Thread.sleep(quietMillis);
        }
        return last;
    }

    /** The call, to end or cancel it by hand. */
    public ClientCallStreamObserver<Q> call() {
        return call.get();
    }

    public CompletableFuture<A> answer() {
        return answer;
    }

    public A await(long timeout, TimeUnit unit) throws Exception {
        return answer.get(timeout, unit);
    }
}
