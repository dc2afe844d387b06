package io.robotid.certification.client;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * gRPC client answers arrive on a gRPC thread; what follows them (Hibernate Reactive sessions)
 * must run on the caller's Vert.x context again.
 */
final class OnCallerContext {
    private OnCallerContext() {
    }

    static <T> Uni<T> resume(Uni<T> call) {
        Context context = Vertx.currentContext();
        return context == null ? call : call.emitOn(task -> context.runOnContext(ignored -> task.run()));
    }
}
