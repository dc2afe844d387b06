package io.robotid.kit.tracing;

import java.util.List;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.trace.export.SpanExporter;

/**
 * Where spans go. Every call has a trace id (in audit stamps and error details, and across gRPC
 * calls), but spans are exported only when
 * {@code robotid.otlp.endpoint} (env {@code ROBOTID_OTLP_ENDPOINT}, e.g.
 * {@code http://collector:4318/v1/traces}) is set. Quarkus' own OTLP exporter cannot be switched
 * off at run time, so services build with it disabled and use this one ({@code quarkus.otel.traces.exporter=cdi}).
 * Without an endpoint {@link HotPathSampler} records only the spans of a caller's sampled trace.
 */
@Singleton
public class TraceExporterProducer {
    private static final Logger LOG = Logger.getLogger(TraceExporterProducer.class);

    @Produces
    @Singleton
    SpanExporter spanExporter(OtlpConfig config) {
        return config.url().map(url -> {
            LOG.infof("exporting traces over OTLP/HTTP to %s", url);
            return (SpanExporter) OtlpHttpSpanExporter.builder().setEndpoint(url).build();
        }).orElseGet(() -> SpanExporter.composite(List.of()));
    }
}
