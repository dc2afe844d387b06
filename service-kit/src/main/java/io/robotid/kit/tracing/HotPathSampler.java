package io.robotid.kit.tracing;

import java.util.List;
import java.util.Set;

import jakarta.inject.Singleton;


import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;

/**
 * Which spans are recorded. Every call gets a trace id (in logs, errors, audit stamps and receipts, and
 * across gRPC calls), but recording a span costs more than deciding a permission: the server spans of
 * the hot paths ({@code robotid.tracing.hot-paths}: CheckPermission, StreamChecks, Echo) are recorded
 * only when the caller's trace is sampled, or, for a call that starts a trace, at
 * {@code robotid.tracing.hot-path-ratio} (by trace id). Every other span follows its parent, and is
 * recorded when it starts a trace.
 *
 * <p>When spans go nowhere ({@code robotid.otlp.endpoint} unset), a span is recorded only when its caller's
 * trace is sampled (so a sampled trace stays whole across services): recording every call's server span and
 * each of its SQL statements only to drop them was the top allocation site of lifecycle-service's profile.
 * Trace ids are there either way (a span not recorded keeps its trace and span id).
 */
@Singleton
public class HotPathSampler implements Sampler {
    private final Set<String> hotPaths;
    private final Sampler ratio;
    private final Sampler others = Sampler.parentBased(Sampler.alwaysOn());

    /** Null while spans are exported; else the rule that records only what a sampled caller asks for. */
    private final Sampler notExporting;

    @jakarta.inject.Inject
    public HotPathSampler(TracingConfig config, OtlpConfig otlp) {
        this(config.hotPaths(), config.hotPathRatio(), otlp.url().isPresent());
    }

    /** A sampler for spans that are exported. */
    public HotPathSampler(List<String> hotPaths, double hotPathRatio) {
        this(hotPaths, hotPathRatio, true);
    }

    public HotPathSampler(List<String> hotPaths, double hotPathRatio, boolean exporting) {
        this.hotPaths = Set.copyOf(hotPaths);
        this.ratio = Sampler.traceIdRatioBased(Math.max(0, Math.min(1, hotPathRatio)));
        this.notExporting = exporting ? null : Sampler.parentBased(Sampler.alwaysOff());
    }

    @Override
    public SamplingResult shouldSample(Context parentContext, String traceId, String name, SpanKind spanKind,
            Attributes attributes, List<LinkData> parentLinks) {
        if (notExporting != null) {
            return notExporting.shouldSample(parentContext, traceId, name, spanKind, attributes, parentLinks);
        }
        if (spanKind == SpanKind.SERVER && hotPaths.contains(name)) {
            SpanContext parent = Span.fromContext(parentContext).getSpanContext();
            if (parent.isValid()) {
                return parent.isSampled() ? SamplingResult.recordAndSample() : SamplingResult.drop();
            }
            return ratio.shouldSample(parentContext, traceId, name, spanKind, attributes, parentLinks);
        }
        return others.shouldSample(parentContext, traceId, name, spanKind, attributes, parentLinks);
    }

    @Override
    public String getDescription() {
        return notExporting != null ? "HotPathSampler{spans not exported: only those of a sampled caller's trace}"
                : "HotPathSampler{hot paths " + hotPaths + " at " + ratio.getDescription() + ", others parent-based always on}";
    }
}
