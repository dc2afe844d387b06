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
 */
@Singleton
public class HotPathSampler implements Sampler {
    private final Set<String> hotPaths;
    private final Sampler ratio;
    private final Sampler others = Sampler.parentBased(Sampler.alwaysOn());

    @jakarta.inject.Inject
    public HotPathSampler(TracingConfig config) {
        this(config.hotPaths(), config.hotPathRatio());
    }

    public HotPathSampler(List<String> hotPaths, double hotPathRatio) {
        this.hotPaths = Set.copyOf(hotPaths);
        this.ratio = Sampler.traceIdRatioBased(Math.max(0, Math.min(1, hotPathRatio)));
    }

    @Override
    public SamplingResult shouldSample(Context parentContext, String traceId, String name, SpanKind spanKind,
            Attributes attributes, List<LinkData> parentLinks) {
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
        return "HotPathSampler{hot paths " + hotPaths + " at " + ratio.getDescription() + ", others parent-based always on}";
    }
}
