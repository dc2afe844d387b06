package io.robotid.testkit;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.grpc.stub.StreamObserver;

/** The one answer of a client-streaming call, for tests that drive the request stream by hand. */
public final class SingleAnswer<T> implements StreamObserver<T> {
    private final CompletableFuture<T> answer = new CompletableFuture<>();

    @Override
    public void onNext(T value) {
        answer.complete(value);
    }

    @Override
    public void onError(Throwable t) {
        answer.completeExceptionally(t);
    }

    @Override
    public void onCompleted() {
        // the answer came with onNext
    }

    public T await(long timeout, TimeUnit unit) throws Exception {
        return answer.get(timeout, unit);
    }
}
