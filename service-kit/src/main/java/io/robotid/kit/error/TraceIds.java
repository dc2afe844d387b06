package io.robotid.kit.error;

import java.util.UUID;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;

/** The W3C trace id of the current call, so a caller's error and the server log meet. */
public final class TraceIds {
    private TraceIds() {
    }

    /** The current span's trace id; a fresh random one when no span is active (tracing off). */
    public static String current() {
        SpanContext context = Span.current().getSpanContext();
        if (context.isValid()) {
            return context.getTraceId();
        }
        return UUID.randomUUID().toString().replace("-", "");
    }
}
