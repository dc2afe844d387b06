package io.robotid.kit.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.SdkTracerProvider;

/**
 * The sampler inside the real OpenTelemetry SDK: hot-path server spans are recorded only when the caller's
 * trace is sampled or at the configured ratio, yet every span keeps a valid trace id (for logs, errors and
 * receipts); other spans are recorded as before.
 */
class HotPathSamplerTest {
    private static final String CHECK = "robotid.geofence.v1.GeofenceService/CheckPermission";
    private SdkTracerProvider provider;

    private Tracer tracer(double ratio) {
        provider = SdkTracerProvider.builder().setSampler(new HotPathSampler(List.of(CHECK), ratio)).build();
        return provider.get("test");
    }

    @AfterEach
    void close() {
        provider.close();
    }

    private static Context parent(boolean sampled) {
        SpanContext remote = SpanContext.createFromRemoteParent("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331",
                sampled ? TraceFlags.getSampled() : TraceFlags.getDefault(), TraceState.getDefault());
        return Context.root().with(Span.wrap(remote));
    }

    @Test
    void aHotPathStartingATraceIsNotRecordedAtRatioZeroButKeepsATraceId() {
        Span span = tracer(0).spanBuilder(CHECK).setSpanKind(SpanKind.SERVER).setParent(Context.root()).startSpan();
        assertFalse(span.isRecording());
        assertFalse(span.getSpanContext().isSampled());
        assertTrue(span.getSpanContext().isValid(), "the trace id still goes to logs, errors and receipts");
        span.end();
    }

    @Test
    void aHotPathIsRecordedAtRatioOne() {
        Span span = tracer(1).spanBuilder(CHECK).setSpanKind(SpanKind.SERVER).setParent(Context.root()).startSpan();
        assertTrue(span.isRecording());
        span.end();
    }

    @Test
    void aHotPathFollowsTheCallersSampledFlag() {
        Tracer tracer = tracer(0);
        Span sampled = tracer.spanBuilder(CHECK).setSpanKind(SpanKind.SERVER).setParent(parent(true)).startSpan();
        assertTrue(sampled.isRecording());
        assertEquals("0af7651916cd43dd8448eb211c80319c", sampled.getSpanContext().getTraceId());
        sampled.end();
        Span notSampled = tracer(1).spanBuilder(CHECK).setSpanKind(SpanKind.SERVER).setParent(parent(false)).startSpan();
        assertFalse(notSampled.isRecording(), "a caller that does not sample is not sampled here even at ratio 1");
        assertEquals("0af7651916cd43dd8448eb211c80319c", notSampled.getSpanContext().getTraceId());
        notSampled.end();
    }

    @Test
    void aRatioSamplesAboutThatShareOfNewTraces() {
        Tracer tracer = tracer(0.25);
        int recorded = 0;
        for (int i = 0; i < 4000; i++) {
            Span span = tracer.spanBuilder(CHECK).setSpanKind(SpanKind.SERVER).setParent(Context.root()).startSpan();
            recorded += span.isRecording() ? 1 : 0;
            span.end();
        }
        assertTrue(recorded > 800 && recorded < 1200, "about a quarter of 4000 recorded, was " + recorded);
    }

    @Test
    void otherSpansAreRecordedAsBefore() {
        Tracer tracer = tracer(0);
        Span other = tracer.spanBuilder("robotid.lifecycle.v1.LifecycleService/RecordEvent").setSpanKind(SpanKind.SERVER)
                .setParent(Context.root()).startSpan();
        assertTrue(other.isRecording(), "a span that is not a hot path and starts a trace is recorded");
        other.end();
        Span client = tracer.spanBuilder(CHECK).setSpanKind(SpanKind.CLIENT).setParent(Context.root()).startSpan();
        assertTrue(client.isRecording(), "only the server span of a hot path is thinned");
        client.end();
        Span child = tracer.spanBuilder("SELECT").setParent(parent(false)).startSpan();
        assertFalse(child.isRecording(), "other spans follow their parent");
        child.end();
    }

    @Test
    void withNowhereToExportOnlyASampledCallersTraceIsRecordedAndEverySpanKeepsItsTraceId() {
        provider = SdkTracerProvider.builder().setSampler(new HotPathSampler(List.of(CHECK), 1, false)).build();
        Tracer tracer = provider.get("test");
        for (String name : List.of("robotid.lifecycle.v1.LifecycleService/RecordEvents", CHECK)) {
            Span starts = tracer.spanBuilder(name).setSpanKind(SpanKind.SERVER).setParent(Context.root()).startSpan();
            assertFalse(starts.isRecording(), name + ": a call that starts a trace is not recorded (even at ratio 1)");
            assertTrue(starts.getSpanContext().isValid(), "its trace id still goes to logs, errors and audit stamps");
            Span statement = tracer.spanBuilder("INSERT").setSpanKind(SpanKind.CLIENT)
                    .setParent(Context.root().with(starts)).startSpan();
            assertFalse(statement.isRecording(), "nor are its SQL statements");
            assertEquals(starts.getSpanContext().getTraceId(), statement.getSpanContext().getTraceId());
            statement.end();
            starts.end();
            Span sampled = tracer.spanBuilder(name).setSpanKind(SpanKind.SERVER).setParent(parent(true)).startSpan();
            assertTrue(sampled.isRecording(), name + ": a caller's sampled trace stays whole across services");
            sampled.end();
        }
    }
}
