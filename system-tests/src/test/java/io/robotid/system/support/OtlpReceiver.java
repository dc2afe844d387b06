package io.robotid.system.support;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A tiny OTLP/HTTP traces receiver run by a test: {@code POST /v1/traces} with a protobuf
 * {@code ExportTraceServiceRequest} (what the services' OtlpHttpSpanExporter sends when
 * ROBOTID_OTLP_ENDPOINT is set). It keeps, per span, the sending service ({@code service.name} of
 * the resource), the trace id, span id, parent span id and name.
 *
 * <p>The message is read with protobuf's generic wire-format parser, field numbers as in
 * opentelemetry-proto (trace/v1/trace.proto, resource/v1/resource.proto, common/v1/common.proto), so
 * the test needs no generated OTLP classes: ExportTraceServiceRequest.resource_spans = 1;
 * ResourceSpans.resource = 1, scope_spans = 2; Resource.attributes = 1; KeyValue.key = 1, value = 2;
 * AnyValue.string_value = 1; ScopeSpans.spans = 2; Span.trace_id = 1, span_id = 2,
 * parent_span_id = 4, name = 5.
 */
public final class OtlpReceiver implements AutoCloseable {
    public record Span(String service, String traceId, String spanId, String parentSpanId, String name) {
    }

    private final HttpServer server;
    private final List<Span> spans = new CopyOnWriteArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final List<String> failures = new CopyOnWriteArrayList<>();

    public OtlpReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException("cannot open the OTLP receiver", e);
        }
        server.createContext("/v1/traces", this::receive);
        server.start();
    }

    /** The OTLP/HTTP traces endpoint, for ROBOTID_OTLP_ENDPOINT. */
    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/traces";
    }

    public int requests() {
        return requests.get();
    }

    /** Requests that could not be read (content type, encoding, protobuf). */
    public List<String> failures() {
        return failures;
    }

    public List<Span> spans() {
        return List.copyOf(spans);
    }

    public List<Span> spans(String traceId) {
        return spans.stream().filter(s -> s.traceId().equals(traceId)).toList();
    }

    public Set<String> services(String traceId) {
        return new TreeSet<>(spans(traceId).stream().map(Span::service).toList());
    }

    /**
     * Waits until spans of every one of {@code services} arrived with {@code traceId}: the services
     * export in batches (every few seconds), so a fixed sleep would be either slow or flaky.
     */
    public Set<String> awaitServices(String traceId, Set<String> services, Duration timeout) {
        Instant until = Instant.now().plus(timeout);
        while (!services(traceId).containsAll(services) && Instant.now().isBefore(until)) {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return services(traceId);
    }

    private void receive(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"POST".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            String type = String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type"));
            if (!type.startsWith("application/x-protobuf")) {
                failures.add("content type " + type);
                exchange.sendResponseHeaders(415, -1);
                return;
            }
            byte[] body;
            try (InputStream in = "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))
                    ? new GZIPInputStream(exchange.getRequestBody()) : exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            try {
                spans.addAll(parse(body));
            } catch (InvalidProtocolBufferException e) {
                failures.add("unreadable request: " + e.getMessage());
                exchange.sendResponseHeaders(400, -1);
                return;
            }
            requests.incrementAndGet();
            // an empty ExportTraceServiceResponse (no partial_success) is zero bytes
            exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, -1);
        }
    }

    static List<Span> parse(byte[] exportTraceServiceRequest) throws InvalidProtocolBufferException {
        List<Span> out = new java.util.ArrayList<>();
        for (ByteString resourceSpans : fields(UnknownFieldSet.parseFrom(exportTraceServiceRequest), 1)) {
            UnknownFieldSet rs = UnknownFieldSet.parseFrom(resourceSpans);
            String service = "";
            for (ByteString resource : fields(rs, 1)) {
                for (ByteString attribute : fields(UnknownFieldSet.parseFrom(resource), 1)) {
                    UnknownFieldSet keyValue = UnknownFieldSet.parseFrom(attribute);
                    if (string(keyValue, 1).equals("service.name")) {
                        for (ByteString value : fields(keyValue, 2)) {
                            service = string(UnknownFieldSet.parseFrom(value), 1);
                        }
                    }
                }
            }
            for (ByteString scopeSpans : fields(rs, 2)) {
                for (ByteString span : fields(UnknownFieldSet.parseFrom(scopeSpans), 2)) {
                    UnknownFieldSet s = UnknownFieldSet.parseFrom(span);
                    out.add(new Span(service, hex(s, 1), hex(s, 2), hex(s, 4), string(s, 5)));
                }
            }
        }
        return out;
    }

    private static List<ByteString> fields(UnknownFieldSet message, int number) {
        return message.hasField(number) ? message.getField(number).getLengthDelimitedList() : List.of();
    }

    private static String string(UnknownFieldSet message, int number) {
        List<ByteString> values = fields(message, number);
        return values.isEmpty() ? "" : values.get(values.size() - 1).toStringUtf8();
    }

    private static String hex(UnknownFieldSet message, int number) {
        List<ByteString> values = fields(message, number);
        return values.isEmpty() ? "" : HexFormat.of().formatHex(values.get(values.size() - 1).toByteArray());
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
